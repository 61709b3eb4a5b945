#include "engine/body_peek.hpp"

#include "dialects/json_object_reader.hpp"
#include "dialects/json_string_decode.hpp"

#include <string>

namespace heimdall::engine {

namespace {

// Keys and model names rarely hold escapes; when they do, the reader has checked the token.
std::string decoded(std::string_view token) {
  std::string text;
  dialects::append_decoded_json_string(text, token);
  return text;
}

}  // namespace

schema::Result<BodyPeek> peek_body(std::string_view body) {
  const schema::Error invalid = schema::Error::invalid("invalid JSON body");
  BodyPeek peek;
  dialects::JsonObjectReader reader(body);
  for (dialects::JsonMember member; reader.next(member);) {
    std::string_view key = member.key;
    std::string decoded_key;
    if (member.key_escaped) {
      decoded_key = decoded({key.data() - 1, key.size() + 2});
      key = decoded_key;
    }
    if (key == "model") {
      const std::string_view token = member.value;
      if (token.front() != '"')
        return schema::Error::invalid("model: Input should be a valid string");
      peek.model = decoded(token);
      peek.has_model = true;
      peek.model_begin = static_cast<size_t>(token.data() - body.data());
      peek.model_end = peek.model_begin + token.size();
    } else if (key == "stream") {
      if (member.value == "true" || member.value == "false") peek.stream = member.value == "true";
    }
  }
  switch (reader.status()) {
    case dialects::JsonObjectReader::Status::kEnd:
      return peek;
    case dialects::JsonObjectReader::Status::kNotObject:
      return schema::Error::invalid("invalid JSON body: expected an object");
    default:
      return invalid;
  }
}

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 0xf]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string splice_model(std::string_view body, const BodyPeek& peek, std::string_view model) {
  std::string quoted = json_quote(model);
  std::string out;
  out.reserve(body.size() - (peek.model_end - peek.model_begin) + quoted.size());
  out.append(body.substr(0, peek.model_begin));
  out.append(quoted);
  out.append(body.substr(peek.model_end));
  return out;
}

}  // namespace heimdall::engine
