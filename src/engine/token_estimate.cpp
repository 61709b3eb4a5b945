#include "engine/token_estimate.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace heimdall::engine {

namespace json = boost::json;

namespace {

constexpr uint64_t kTokensPerImage = 1600;
constexpr uint64_t kTokensPerDocument = 1500;
constexpr uint64_t kTokensPerMessage = 3;

struct Tally {
  uint64_t text_bytes = 0;
  uint64_t fixed_tokens = 0;
};

void count_content(const json::value& content, Tally& tally);

void count_block(const json::object& block, Tally& tally) {
  auto type = block.if_contains("type");
  std::string_view kind = type && type->is_string() ? std::string_view(type->get_string()) : "";
  if (kind == "image") {
    tally.fixed_tokens += kTokensPerImage;
  } else if (kind == "document") {
    tally.fixed_tokens += kTokensPerDocument;
  } else if (kind == "tool_use") {
    if (auto* input = block.if_contains("input"))
      tally.text_bytes += json::serialize(*input).size();
    if (auto* name = block.if_contains("name"); name && name->is_string()) {
      tally.text_bytes += name->get_string().size();
    }
  } else if (kind == "tool_result") {
    if (auto* content = block.if_contains("content")) count_content(*content, tally);
  } else {
    for (std::string_view field : {"text", "thinking"}) {
      if (auto* text = block.if_contains(field); text && text->is_string()) {
        tally.text_bytes += text->get_string().size();
      }
    }
  }
}

void count_content(const json::value& content, Tally& tally) {
  if (content.is_string()) {
    tally.text_bytes += content.get_string().size();
  } else if (content.is_array()) {
    for (const auto& block : content.get_array()) {
      if (block.is_object()) count_block(block.get_object(), tally);
    }
  }
}

}  // namespace

schema::Result<uint64_t> estimate_input_tokens(std::string_view body) {
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec || !root.is_object()) return schema::Error::invalid("invalid JSON body");
  const auto& request = root.get_object();
  auto* messages = request.if_contains("messages");
  if (messages == nullptr || !messages->is_array()) {
    return schema::Error::invalid("messages: Field required");
  }
  Tally tally;
  if (auto* system = request.if_contains("system")) count_content(*system, tally);
  for (const auto& message : messages->get_array()) {
    tally.fixed_tokens += kTokensPerMessage;
    if (!message.is_object()) continue;
    if (auto* content = message.get_object().if_contains("content")) count_content(*content, tally);
  }
  if (auto* tools = request.if_contains("tools"))
    tally.text_bytes += json::serialize(*tools).size();
  uint64_t tokens = (tally.text_bytes + 3) / 4 + tally.fixed_tokens;
  return tokens == 0 ? 1 : tokens;
}

}  // namespace heimdall::engine
