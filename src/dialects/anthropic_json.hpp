// Private to the Anthropic codec: read helpers over Boost.JSON values, and the shared JsonWriter
// (dialects/json_text.hpp) its encoders write with.
#pragma once

#include "dialects/json_dom.hpp"
#include "dialects/json_text.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall::dialects::anthropic_detail {

// Read helpers: never throw, return nullopt / nullptr when the value has another kind.
const boost::json::value* find(const boost::json::object& o, std::string_view key);
// The decoders read simdjson's DOM (dialects/json_dom.hpp); Boost.JSON values remain for the
// canonical model's kept JSON and for error bodies.
using dialects::find;
// A non-negative integer; accepts integral doubles (1024.0) the way Anthropic's validator does.
std::optional<uint64_t> as_uint(simdjson::dom::element v);
std::optional<int64_t> as_int(simdjson::dom::element v);

// Nesting limit of every decoder: deeper is refused, so a hostile body cannot exhaust the stack in
// the recursive block decoders or value destructors.
inline constexpr unsigned kMaxJsonDepth = 64;

}  // namespace heimdall::dialects::anthropic_detail
