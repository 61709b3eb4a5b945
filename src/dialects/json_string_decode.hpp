// The text a JSON string token stands for, decoded without a parser: for tokens JsonObjectReader
// has already checked, where building a simdjson document for one string would cost more than the
// rest of reading the object.
#pragma once

#include <string>
#include <string_view>

namespace heimdall::dialects {

/// Appends the text of `token`, a JSON string with its quotes that JsonObjectReader accepted
/// (valid escapes, surrogates in pairs, valid UTF-8): escapes decoded, \u escapes written as
/// UTF-8, the rest copied as it is. Gives what simdjson's get_string gives for the same token.
void append_decoded_json_string(std::string& out, std::string_view token);

}  // namespace heimdall::dialects
