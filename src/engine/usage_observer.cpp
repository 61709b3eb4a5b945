#include "engine/usage_observer.hpp"

#include "dialects/json_object_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>

namespace heimdall::engine {

namespace {

// The values of the first members of `object` named `keys` (compared as written); an empty view
// for a key it lacks, or when `object` is not an object. Reading stops once every key is found
// (Anthropic's usage goes on with a cache_creation object and server tool counts).
template <size_t N>
std::array<std::string_view, N> first_members(std::string_view object,
                                              const std::array<std::string_view, N>& keys) {
  std::array<std::string_view, N> values{};
  size_t found = 0;
  dialects::JsonObjectReader reader(object);
  for (dialects::JsonMember member; found < N && reader.next(member);) {
    for (size_t i = 0; i < N; ++i) {
      if (values[i].empty() && member.key == keys[i]) {
        values[i] = member.value;
        ++found;
      }
    }
  }
  return values;
}

// The value of the first member of `object` named `key`, read no further than that member.
std::string_view first_member(std::string_view object, std::string_view key) {
  dialects::JsonObjectReader reader(object);
  for (dialects::JsonMember member; reader.next(member);) {
    if (member.key == key) return member.value;
  }
  return {};
}

// A counter's value token as an unsigned integer; 0 for anything else (a string, a fraction, a
// negative number, no token).
uint64_t counter(std::string_view token) {
  uint64_t value = 0;
  const char* end = token.data() + token.size();
  const auto [stop, error] = std::from_chars(token.data(), end, value);
  return error == std::errc() && stop == end ? value : 0;
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

}  // namespace

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

void UsageObserver::observe_body(std::string_view json) { read_usage(json, false); }

void UsageObserver::observe_event(const schema::SseEvent& event) {
  if (find_usage(event.data, 0) == std::string_view::npos) return;
  read_usage(event.data, event.event == "message_start");
}

void UsageObserver::read_usage(std::string_view json, bool nested_in_message) {
  const std::string_view usage = nested_in_message
                                     ? first_member(first_member(json, "message"), "usage")
                                     : first_member(json, "usage");
  if (!usage.starts_with('{')) return;
  if (dialect_ == schema::Dialect::Anthropic) {
    // Anthropic counters are cumulative and a message_delta may omit the input ones: keep the
    // largest value seen for each.
    const auto [input, output, cache_read, cache_creation] =
        first_members<4>(usage, {"input_tokens", "output_tokens", "cache_read_input_tokens",
                                 "cache_creation_input_tokens"});
    usage_.input_tokens = std::max(usage_.input_tokens, counter(input));
    usage_.output_tokens = std::max(usage_.output_tokens, counter(output));
    usage_.cache_read_input_tokens = std::max(usage_.cache_read_input_tokens, counter(cache_read));
    usage_.cache_creation_input_tokens =
        std::max(usage_.cache_creation_input_tokens, counter(cache_creation));
    return;
  }
  // OpenAI: prompt_tokens includes cached tokens (anthropic.md §3); split them.
  const auto [prompt_token, completion, details] =
      first_members<3>(usage, {"prompt_tokens", "completion_tokens", "prompt_tokens_details"});
  const uint64_t prompt = counter(prompt_token);
  const uint64_t cached = counter(first_member(details, "cached_tokens"));
  usage_.output_tokens = counter(completion);
  usage_.cache_read_input_tokens = std::min(cached, prompt);
  usage_.input_tokens = prompt - usage_.cache_read_input_tokens;
}

}  // namespace heimdall::engine
