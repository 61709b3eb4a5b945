// Spare capacity the client (read_all) leaves after a response body whose length it knew in
// advance: the usage observer reads JSON in place with simdjson, which reads up to
// SIMDJSON_PADDING (64) bytes past the end. engine/usage_observer.cpp checks the two agree. No
// Asio here, so pure code can include it.
#pragma once

#include <cstddef>

namespace heimdall::http {

inline constexpr size_t kBodyPadding = 64;

}  // namespace heimdall::http
