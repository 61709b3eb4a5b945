#include "engine/usage_observer.hpp"

#include "engine/thread_parser.hpp"
#include "http/body_padding.hpp"

#include <simdjson.h>

#include <algorithm>
#include <functional>

namespace heimdall::engine {

namespace od = simdjson::ondemand;

namespace {

static_assert(http::kBodyPadding >= simdjson::SIMDJSON_PADDING,
              "response bodies from the client must be readable in place");

uint64_t field_u64(od::object& usage, std::string_view key) {
  uint64_t value = 0;
  if (usage.find_field_unordered(key).get_uint64().get(value) != simdjson::SUCCESS) return 0;
  return value;
}

constexpr std::string_view kFrameEnd = "\n\n";

// Where the first "usage" key at or after `from` whose value is not null starts, or npos. OpenAI
// puts `"usage":null` in every chunk of a stream that asked for usage, and the object in the last.
size_t find_usage(std::string_view piece, size_t from) {
  constexpr std::string_view kKey = "\"usage\"";
  // Every relayed piece is searched: Horspool skips most bytes, a third cheaper than memmem here.
  static const std::boyer_moore_horspool_searcher searcher(kKey.begin(), kKey.end());
  for (auto key = piece.begin() + static_cast<std::ptrdiff_t>(from);
       (key = std::search(key, piece.end(), searcher)) != piece.end(); key += kKey.size()) {
    auto value = key + kKey.size();
    while (value != piece.end() && (*value == ' ' || *value == '\t' || *value == ':')) ++value;
    if (piece.substr(static_cast<size_t>(value - piece.begin()), 4) != "null") {
      return static_cast<size_t>(key - piece.begin());
    }
  }
  return std::string_view::npos;
}

// Where the frame holding `pos` starts, when the parser was idle at `from`: after the last blank
// line before `pos` (any "\n\n" ends one), or at `from`.
size_t frame_start(std::string_view piece, size_t from, size_t pos) {
  const size_t end = piece.substr(0, pos).rfind(kFrameEnd);
  return end == std::string_view::npos || end < from ? from : end + kFrameEnd.size();
}

od::parser& thread_parser() {
  thread_local od::parser parser;
  return parser;
}

}  // namespace

size_t UsageObserver::parser_capacity_for_test() { return thread_parser().capacity(); }

void UsageObserver::observe_stream(std::string_view piece) {
  size_t pos = 0;
  if (!parser_idle_) {
    // The piece continues a frame: the parser takes it up to the first blank line, which ends
    // the frame (or, after a "\n" that ended the last piece, the next one).
    const size_t end = piece.find(kFrameEnd);
    if (end == std::string_view::npos) {
      parse(piece);
      return;
    }
    pos = end + kFrameEnd.size();
    parse(piece.substr(0, pos));
    parser_idle_ = true;
  }
  // From a frame boundary on, only the frames holding a usage object are parsed, and a frame left
  // open at the end of the piece (it may hold one, or a "usage" key cut in two). Whole frames
  // without usage cannot change it, and the parser ends idle after them as it started.
  for (size_t key; (key = find_usage(piece, pos)) != std::string_view::npos;) {
    const size_t start = frame_start(piece, pos, key);
    const size_t end = piece.find(kFrameEnd, key);
    if (end == std::string_view::npos) {
      parse(piece.substr(start));
      parser_idle_ = false;
      return;
    }
    pos = end + kFrameEnd.size();
    parse(piece.substr(start, pos - start));
  }
  if (!piece.ends_with(kFrameEnd)) {
    parse(piece.substr(frame_start(piece, pos, piece.size())));
    parser_idle_ = false;
  }
}

void UsageObserver::parse(std::string_view frames) {
  bytes_parsed_ += frames.size();
  events_.clear();
  parser_.feed(frames, events_);
  for (const auto& event : events_) observe_event(event);
}

void UsageObserver::observe_body(std::string& json) {
  if (json.capacity() < json.size() + simdjson::SIMDJSON_PADDING) {
    json.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  }
  read_usage(simdjson::padded_string_view(json.data(), json.size(), json.capacity()), false);
}

void UsageObserver::observe_event(const schema::SseEvent& event) {
  if (find_usage(event.data, 0) == std::string_view::npos) return;
  // A frame's data is small: a copy into a buffer that keeps its padded capacity costs less than
  // a padded_string allocation per frame.
  thread_local std::string padded;
  padded.reserve(event.data.size() + simdjson::SIMDJSON_PADDING);
  padded.assign(event.data);
  read_usage(simdjson::padded_string_view(padded.data(), padded.size(), padded.capacity()),
             event.event == "message_start");
}

void UsageObserver::read_usage(simdjson::padded_string_view json, bool nested_in_message) {
  od::parser& parser = thread_parser();
  const ParserLoan loan(parser);
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
