#include "engine/body_peek.hpp"

#include "engine/thread_parser.hpp"
#include "http/body_padding.hpp"

#include <simdjson.h>

namespace heimdall::engine {

namespace od = simdjson::ondemand;

namespace {

static_assert(http::kBodyPadding >= simdjson::SIMDJSON_PADDING,
              "bodies from the server and client must be readable in place");

// End (one past the closing quote) of the JSON string token starting at `begin`.
size_t string_token_end(std::string_view body, size_t begin) {
  for (size_t i = begin + 1; i < body.size(); ++i) {
    if (body[i] == '\\') {
      ++i;
    } else if (body[i] == '"') {
      return i + 1;
    }
  }
  return body.size();
}

od::parser& thread_parser() {
  thread_local od::parser parser;
  return parser;
}

}  // namespace

size_t peek_parser_capacity_for_test() { return thread_parser().capacity(); }

schema::Result<BodyPeek> peek_body(std::string& body) {
  if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING) {
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  }
  od::parser& parser = thread_parser();
  const ParserLoan loan(parser);
  simdjson::padded_string_view input(body.data(), body.size(), body.capacity());
  od::document doc;
  if (parser.iterate(input).get(doc) != simdjson::SUCCESS) {
    return schema::Error::invalid("invalid JSON body");
  }
  od::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) {
    return schema::Error::invalid("invalid JSON body: expected an object");
  }
  BodyPeek peek;
  for (auto field_result : object) {
    od::field field;
    std::string_view key;
    if (std::move(field_result).get(field) != simdjson::SUCCESS ||
        field.unescaped_key().get(key) != simdjson::SUCCESS) {
      return schema::Error::invalid("invalid JSON body");
    }
    od::value value = field.value();
    if (key == "model") {
      std::string_view token = value.raw_json_token();
      std::string_view model;
      if (value.get_string().get(model) != simdjson::SUCCESS) {
        return schema::Error::invalid("model: Input should be a valid string");
      }
      peek.model = std::string(model);
      peek.has_model = true;
      peek.model_begin = static_cast<size_t>(token.data() - body.data());
      peek.model_end = string_token_end(body, peek.model_begin);
    } else if (key == "stream") {
      bool stream = false;
      if (value.get_bool().get(stream) == simdjson::SUCCESS) peek.stream = stream;
    }
  }
  return peek;
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
