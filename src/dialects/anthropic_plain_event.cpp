#include "dialects/anthropic_plain_event.hpp"

#include "dialects/plain_json.hpp"

#include <charconv>
#include <optional>

namespace heimdall::dialects::anthropic_detail {

namespace {

using plain_json::is_plain_scalar;
using plain_json::read_members;
using plain_json::take_once;

bool& plain_deltas_on() {
  static bool on = true;
  return on;
}

// The delta kinds read here, by their type's token, and the member that holds each one's string.
struct PlainKind {
  std::string_view type_token;
  std::string_view payload_key;
  schema::DeltaType type;
};
constexpr PlainKind kPlainKinds[] = {
    {R"("text_delta")", "text", schema::DeltaType::Text},
    {R"("input_json_delta")", "partial_json", schema::DeltaType::InputJson},
    {R"("thinking_delta")", "thinking", schema::DeltaType::Thinking},
};

bool read_delta_object(std::string_view object, PlainDelta& delta) {
  std::optional<std::string_view> type;
  std::optional<std::string_view> payload[std::size(kPlainKinds)];
  const bool read = read_members(object, [&](std::string_view key, std::string_view value) {
    if (key == "type") return take_once(type, value);
    for (size_t i = 0; i < std::size(kPlainKinds); ++i) {
      if (key == kPlainKinds[i].payload_key) return take_once(payload[i], value);
    }
    return is_plain_scalar(value);
  });
  if (!read || !type) return false;
  for (size_t i = 0; i < std::size(kPlainKinds); ++i) {
    if (*type != kPlainKinds[i].type_token) continue;
    // The other kinds' members are not read: they must be plain too.
    for (size_t j = 0; j < std::size(kPlainKinds); ++j) {
      if (j != i && payload[j] && !is_plain_scalar(*payload[j])) return false;
    }
    if (!payload[i] || payload[i]->front() != '"') return false;  // malformed: the full reading
    delta.type = kPlainKinds[i].type;
    delta.text = *payload[i];
    return true;
  }
  return false;
}

}  // namespace

bool read_plain_delta(std::string_view data, PlainDelta& delta) {
  if (!plain_deltas_on()) return false;
  std::optional<std::string_view> index;
  std::optional<std::string_view> object;
  const bool read = read_members(data, [&](std::string_view key, std::string_view value) {
    if (key == "index") return take_once(index, value);
    if (key == "delta") return take_once(object, value);
    return is_plain_scalar(value);  // type: the event's name says it
  });
  if (!read || !index || !object || object->front() != '{') return false;
  // A plain integer (the reader checked the number's syntax): anything else, the full reading.
  const char* end = index->data() + index->size();
  if (index->size() > 15 || std::from_chars(index->data(), end, delta.index).ptr != end) {
    return false;
  }
  return read_delta_object(*object, delta);
}

void read_plain_deltas_for_test(bool on) { plain_deltas_on() = on; }

}  // namespace heimdall::dialects::anthropic_detail
