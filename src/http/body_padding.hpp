// Spare capacity the client (read_all) and the server (request bodies) leave after a body whose
// length they knew in advance: the engine reads JSON in place with simdjson, which reads up to
// SIMDJSON_PADDING (64) bytes past the end. engine/body_peek.cpp checks the two agree. No Asio
// here, so pure code (the body peek and its fuzz target) can include it.
#pragma once

#include <cstddef>

namespace heimdall::http {

inline constexpr size_t kBodyPadding = 64;

}  // namespace heimdall::http
