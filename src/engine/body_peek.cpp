#include "engine/body_peek.hpp"

#include "dialects/json_object_reader.hpp"

#include <simdjson.h>

#include <optional>

namespace heimdall::engine {

namespace {

// A JSON string token (quotes included) decoded as simdjson decodes it, escapes and all; nullopt
// when simdjson refuses it. Only escaped tokens come here: keys and model names rarely hold
// escapes. A body can hold many escaped keys, though: the thread's parser is reused for tokens of
// usual size (a fresh one cost 200 ns a key), and only a long token gets a parser of its own, which
// its capacity leaves with.
std::optional<std::string> decode_escaped(std::string_view token) {
  constexpr size_t kReusedCapacity = 4096;
  thread_local simdjson::dom::parser reused;
  simdjson::dom::parser fresh;
  simdjson::dom::parser& parser = token.size() <= kReusedCapacity ? reused : fresh;
  std::string_view text;
  if (parser.parse(token).get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
  return std::string(text);
}

}  // namespace

schema::Result<BodyPeek> peek_body(std::string_view body) {
  const schema::Error invalid = schema::Error::invalid("invalid JSON body");
  BodyPeek peek;
  dialects::JsonObjectReader reader(body);
  for (dialects::JsonMember member; reader.next(member);) {
    std::string_view key = member.key;
    std::optional<std::string> decoded_key;
    if (member.key_escaped) {
      decoded_key = decode_escaped({key.data() - 1, key.size() + 2});
      if (!decoded_key) return invalid;
      key = *decoded_key;
    }
    if (key == "model") {
      const std::string_view token = member.value;
      if (token.front() != '"')
        return schema::Error::invalid("model: Input should be a valid string");
      if (token.find('\\') == std::string_view::npos) {
        peek.model.assign(token.substr(1, token.size() - 2));
      } else if (auto model = decode_escaped(token)) {
        peek.model = std::move(*model);
      } else {
        return invalid;
      }
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
