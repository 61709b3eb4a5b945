#include "engine/usage_observer.hpp"

#include <simdjson.h>

#include <algorithm>
#include <functional>

namespace heimdall::engine {

namespace od = simdjson::ondemand;

namespace {

uint64_t field_u64(od::object& usage, std::string_view key) {
  uint64_t value = 0;
  if (usage.find_field_unordered(key).get_uint64().get(value) != simdjson::SUCCESS) return 0;
  return value;
}

// Whether `piece` may carry a usage object: a "usage" key whose value is not null. OpenAI puts
// `"usage":null` in every chunk of a stream that asked for usage, and the object in the last one.
bool may_hold_usage(std::string_view piece) {
  constexpr std::string_view kKey = "\"usage\"";
  // Every relayed piece is searched: Horspool skips most bytes, a third cheaper than memmem here.
  static const std::boyer_moore_horspool_searcher searcher(kKey.begin(), kKey.end());
  for (auto at = piece.begin(); (at = std::search(at, piece.end(), searcher)) != piece.end();) {
    at += kKey.size();
    while (at != piece.end() && (*at == ' ' || *at == '\t' || *at == ':')) ++at;
    if (piece.substr(static_cast<size_t>(at - piece.begin()), 4) != "null") return true;
  }
  return false;
}

}  // namespace

void UsageObserver::observe_stream(std::string_view piece) {
  // A piece that starts and ends on a frame boundary is whole frames: if none mentions a usage
  // object, parsing it cannot change the usage, and the parser would end idle as it started. A
  // piece that starts or ends inside a frame is parsed, so a frame split across reads is seen
  // whole, and so is a "usage" key split across them.
  const bool at_frame_end = piece.ends_with("\n\n");
  if (parser_idle_ && at_frame_end && !may_hold_usage(piece)) return;
  ++pieces_parsed_;
  events_.clear();
  parser_.feed(piece, events_);
  for (const auto& event : events_) observe_event(event);
  parser_idle_ = at_frame_end;
}

void UsageObserver::observe_body(std::string& json) {
  if (json.capacity() < json.size() + simdjson::SIMDJSON_PADDING) {
    json.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  }
  read_usage(simdjson::padded_string_view(json.data(), json.size(), json.capacity()), false);
}

void UsageObserver::observe_event(const schema::SseEvent& event) {
  if (event.data.find("\"usage\"") == std::string::npos) return;
  // A frame's data is small: a copy into a buffer that keeps its padded capacity costs less than
  // a padded_string allocation per frame.
  thread_local std::string padded;
  padded.reserve(event.data.size() + simdjson::SIMDJSON_PADDING);
  padded.assign(event.data);
  read_usage(simdjson::padded_string_view(padded.data(), padded.size(), padded.capacity()),
             event.event == "message_start");
}

void UsageObserver::read_usage(simdjson::padded_string_view json, bool nested_in_message) {
  thread_local od::parser parser;
  od::document doc;
  if (parser.iterate(json).get(doc) != simdjson::SUCCESS) return;
  od::object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) return;
  od::object usage;
  if (nested_in_message) {
    od::object message;
    if (root.find_field_unordered("message").get_object().get(message) != simdjson::SUCCESS) return;
    if (message.find_field_unordered("usage").get_object().get(usage) != simdjson::SUCCESS) return;
  } else if (root.find_field_unordered("usage").get_object().get(usage) != simdjson::SUCCESS) {
    return;
  }
  if (dialect_ == schema::Dialect::Anthropic) {
    // Anthropic counters are cumulative and a message_delta may omit the input ones: keep the
    // largest value seen for each.
    usage_.input_tokens = std::max(usage_.input_tokens, field_u64(usage, "input_tokens"));
    usage_.output_tokens = std::max(usage_.output_tokens, field_u64(usage, "output_tokens"));
    usage_.cache_read_input_tokens =
        std::max(usage_.cache_read_input_tokens, field_u64(usage, "cache_read_input_tokens"));
    usage_.cache_creation_input_tokens = std::max(usage_.cache_creation_input_tokens,
                                                  field_u64(usage, "cache_creation_input_tokens"));
    return;
  }
  // OpenAI: prompt_tokens includes cached tokens (anthropic.md §3); split them.
  uint64_t prompt = field_u64(usage, "prompt_tokens");
  uint64_t cached = 0;
  od::object details;
  if (usage.find_field_unordered("prompt_tokens_details").get_object().get(details) ==
      simdjson::SUCCESS) {
    cached = field_u64(details, "cached_tokens");
  }
  usage_.output_tokens = field_u64(usage, "completion_tokens");
  usage_.cache_read_input_tokens = std::min(cached, prompt);
  usage_.input_tokens = prompt - usage_.cache_read_input_tokens;
}

}  // namespace heimdall::engine
