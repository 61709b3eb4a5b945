#include "dialects/openai_chat_plain_chunk.hpp"

#include "dialects/json_object_reader.hpp"

#include <algorithm>

namespace heimdall::dialects::openai_chat {

namespace {

bool& plain_chunks_on() {
  static bool on = true;
  return on;
}

// A value that is not read: a string or a literal (checked by the reader), or a number short
// enough, and without an exponent, that no parser refuses it as out of range (simdjson refuses
// integers beyond 64 bits and doubles that overflow; the full reading would report the chunk).
bool is_plain_scalar(std::string_view value) {
  switch (value.front()) {
    case '{':
    case '[':
      return false;
    case '"':
    case 't':
    case 'f':
    case 'n':
      return true;
    default:
      return value.size() <= 15 &&
             std::none_of(value.begin(), value.end(), [](char c) { return (c | 0x20) == 'e'; });
  }
}

// Reads the members of the object `text`, giving each to `on_member(key, value)`; false when the
// text is not one valid object, a key is escaped (the full reading compares decoded keys), or
// on_member refuses a member.
template <class OnMember>
bool read_members(std::string_view text, OnMember on_member) {
  JsonObjectReader reader(text);
  for (JsonMember member; reader.next(member);) {
    if (member.key_escaped || !on_member(member.key, member.value)) return false;
  }
  return reader.status() == JsonObjectReader::Status::kEnd;
}

// Sets `slot` to a string value; a value of another kind leaves it unset when it is one that is
// not read. A second member of the same key is refused (the full reading keeps the last).
bool take_string(std::optional<std::string_view>& slot, bool& seen, std::string_view value) {
  if (seen) return false;
  seen = true;
  if (value.front() == '"') {
    slot = value;
    return true;
  }
  return is_plain_scalar(value);
}

bool read_delta(std::string_view delta, PlainChunk& chunk) {
  bool content_seen = false;
  return read_members(delta, [&](std::string_view key, std::string_view value) {
    if (key == "content") return take_string(chunk.content, content_seen, value);
    // Text of another kind (a refusal, reasoning) and calls: the full reading.
    if (key == "refusal" || key == "reasoning_content" || key == "reasoning") {
      return value.front() != '"' && is_plain_scalar(value);
    }
    return is_plain_scalar(value);  // role, and tool_calls or function_call when null
  });
}

// `choices` is the array's token: it must hold one choice, of index 0.
bool read_choices(std::string_view choices, PlainChunk& chunk) {
  choices = choices.substr(1, choices.size() - 2);
  const auto first = choices.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return true;  // no choice
  bool index_seen = false;
  bool delta_seen = false;
  bool finish_seen = false;
  std::string_view delta;
  const bool read =
      read_members(choices.substr(first), [&](std::string_view key, std::string_view value) {
        if (key == "index") {
          if (index_seen) return false;
          index_seen = true;
          return value == "0";  // another index: the full reading skips that choice
        }
        if (key == "delta") {
          if (delta_seen) return false;
          delta_seen = true;
          if (value.front() == '{') {
            delta = value;
            return true;
          }
          return is_plain_scalar(value);
        }
        if (key == "finish_reason") return take_string(chunk.finish_reason, finish_seen, value);
        return is_plain_scalar(value);  // logprobs when null
      });
  return read && (delta.empty() || read_delta(delta, chunk));
}

}  // namespace

bool read_plain_chunk(std::string_view data, PlainChunk& chunk) {
  if (!plain_chunks_on()) return false;
  bool choices_seen = false;
  std::string_view choices;
  const bool read = read_members(data, [&](std::string_view key, std::string_view value) {
    if (key == "choices") {
      if (choices_seen) return false;
      choices_seen = true;
      choices = value;
      return value.front() == '[';
    }
    // An error member, even null, and usage as an object: the full reading.
    return key != "error" && is_plain_scalar(value);
  });
  return read && (choices.empty() || read_choices(choices, chunk));
}

void read_plain_chunks_for_test(bool on) { plain_chunks_on() = on; }

}  // namespace heimdall::dialects::openai_chat
