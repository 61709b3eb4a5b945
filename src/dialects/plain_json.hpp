// What the plain readers of stream events share (openai_chat_plain_chunk, anthropic_plain_event):
// the most frequent events of a stream are read with JsonObjectReader, one object level at a time,
// instead of a simdjson document and a Members index per object; every other event goes to the
// decoder's full reading. These helpers keep the two readings equal: a plain reader accepts only
// objects it checks in full, and values it does not read must be ones any parser reads alike.
#pragma once

#include "dialects/json_object_reader.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

namespace heimdall::dialects::plain_json {

/// A value that is not read: a string or a literal (checked by the reader), or a number short
/// enough, and without an exponent, that no parser refuses it as out of range (simdjson refuses
/// integers beyond 64 bits and doubles that overflow, and the full reading would report the event).
inline bool is_plain_scalar(std::string_view value) {
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

/// Reads the members of the object `text`, giving each to `on_member(key, value)`; false when the
/// text is not one valid object, a key is escaped (the full reading compares decoded keys), or
/// on_member refuses a member.
template <class OnMember>
bool read_members(std::string_view text, OnMember on_member) {
  JsonObjectReader reader(text);
  for (JsonMember member; reader.next(member);) {
    if (member.key_escaped || !on_member(member.key, member.value)) return false;
  }
  return reader.status() == JsonObjectReader::Status::kEnd;
}

/// Keeps the value of a member that must come once (the full reading keeps the last of several):
/// false for a second one.
inline bool take_once(std::optional<std::string_view>& slot, std::string_view value) {
  if (slot) return false;
  slot = value;
  return true;
}

}  // namespace heimdall::dialects::plain_json
