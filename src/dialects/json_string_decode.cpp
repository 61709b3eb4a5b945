#include "dialects/json_string_decode.hpp"

#include <cstdint>
#include <cstring>

namespace heimdall::dialects {

namespace {

uint32_t hex4(const char* at) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = at[i];
    const uint32_t digit =
        c <= '9' ? static_cast<uint32_t>(c - '0') : static_cast<uint32_t>((c | 0x20) - 'a' + 10);
    value = value * 16 + digit;
  }
  return value;
}

void append_utf8(std::string& out, uint32_t code_point) {
  char bytes[4];
  size_t size = 0;
  if (code_point < 0x80) {
    bytes[size++] = static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    bytes[size++] = static_cast<char>(0xC0 | code_point >> 6);
    bytes[size++] = static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    bytes[size++] = static_cast<char>(0xE0 | code_point >> 12);
    bytes[size++] = static_cast<char>(0x80 | (code_point >> 6 & 0x3F));
    bytes[size++] = static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    bytes[size++] = static_cast<char>(0xF0 | code_point >> 18);
    bytes[size++] = static_cast<char>(0x80 | (code_point >> 12 & 0x3F));
    bytes[size++] = static_cast<char>(0x80 | (code_point >> 6 & 0x3F));
    bytes[size++] = static_cast<char>(0x80 | (code_point & 0x3F));
  }
  out.append(bytes, size);
}

}  // namespace

void append_decoded_json_string(std::string& out, std::string_view token) {
  const char* at = token.data() + 1;
  const char* const end = token.data() + token.size() - 1;  // the closing quote
  while (at != end) {
    const auto* backslash = static_cast<const char*>(std::memchr(at, '\\', end - at));
    if (backslash == nullptr) {
      out.append(at, end);
      return;
    }
    out.append(at, backslash);
    const char kind = backslash[1];
    at = backslash + 2;
    switch (kind) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        uint32_t code_point = hex4(at);
        at += 4;
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
          // The reader let only a high surrogate followed by a low one through.
          code_point = 0x10000 + ((code_point - 0xD800) << 10) + (hex4(at + 2) - 0xDC00);
          at += 6;
        }
        append_utf8(out, code_point);
        break;
      }
      default:  // '"', '\\' and '/' stand for themselves
        out.push_back(kind);
        break;
    }
  }
}

}  // namespace heimdall::dialects
