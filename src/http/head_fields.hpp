// Writing header fields into a hand-serialised message head, shared by the server's responses and
// the client's requests (internal to src/http). string_view throughout: these run for every field
// of every message, and `const char*` overloads would measure each literal again.
#pragma once

#include <string>
#include <string_view>

namespace heimdall::http {

/// Fields whose value the writer of a message decides (its framing): a copied content-length,
/// transfer-encoding or connection would contradict the body that follows.
inline bool is_framing_header(std::string_view name) {
  return name == "content-length" || name == "transfer-encoding" || name == "connection";
}

/// Appends "name: value\r\n".
inline void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(std::string_view(": "));
  out.append(value);
  out.append(std::string_view("\r\n"));
}

}  // namespace heimdall::http
