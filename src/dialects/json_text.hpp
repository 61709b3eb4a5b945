// JSON text output shared by the dialect codecs: string escaping and a writer for parsed
// Boost.JSON values (tool inputs and schemas, extras, bodies built as values). It writes the same
// bytes as boost::json::serialize, directly into the caller's string: the library's serializer goes
// through a suspendable state machine and, in serialize(), a zero-filled buffer, which made it
// the largest cost of encoding a request (bench/micro).
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace heimdall::dialects {

/// Appends `s` as a JSON string literal (quotes included), escaped as Boost.JSON escapes it: `"`,
/// `\` and control characters only; other bytes (UTF-8 included) pass unchanged.
void append_json_string(std::string& out, std::string_view s);

/// Appends `v` as compact JSON, byte for byte what boost::json::serialize(v) returns.
void append_json_value(std::string& out, const boost::json::value& v);

}  // namespace heimdall::dialects
