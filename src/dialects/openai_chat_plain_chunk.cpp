#include "dialects/openai_chat_plain_chunk.hpp"

#include "dialects/plain_json.hpp"

namespace heimdall::dialects::openai_chat {

namespace {

using plain_json::is_plain_scalar;
using plain_json::read_members;
using plain_json::take_once;

bool& plain_chunks_on() {
  static bool on = true;
  return on;
}

// A member the full reading takes when it is a string: sets `string` to it then; a value of
// another kind is ignored there, and accepted here when it is one that is not read.
bool string_or_ignored(std::optional<std::string_view> value,
                       std::optional<std::string_view>& string) {
  if (!value) return true;
  if (value->front() == '"') {
    string = value;
    return true;
  }
  return is_plain_scalar(*value);
}

bool read_delta(std::string_view delta, PlainChunk& chunk) {
  std::optional<std::string_view> content;
  const bool read = read_members(delta, [&](std::string_view key, std::string_view value) {
    if (key == "content") return take_once(content, value);
    // Text of another kind (a refusal, reasoning) and calls: the full reading.
    if (key == "refusal" || key == "reasoning_content" || key == "reasoning") {
      return value.front() != '"' && is_plain_scalar(value);
    }
    return is_plain_scalar(value);  // role, and tool_calls or function_call when null
  });
  return read && string_or_ignored(content, chunk.content);
}

// `choices` is the array's token: it must hold one choice, of index 0.
bool read_choices(std::string_view choices, PlainChunk& chunk) {
  choices = choices.substr(1, choices.size() - 2);
  const auto first = choices.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return true;  // no choice
  std::optional<std::string_view> index;
  std::optional<std::string_view> delta;
  std::optional<std::string_view> finish_reason;
  const bool read =
      read_members(choices.substr(first), [&](std::string_view key, std::string_view value) {
        if (key == "index") return take_once(index, value);
        if (key == "delta") return take_once(delta, value);
        if (key == "finish_reason") return take_once(finish_reason, value);
        return is_plain_scalar(value);  // logprobs when null
      });
  // Another index: the full reading skips that choice.
  if (!read || (index && *index != "0")) return false;
  if (delta && delta->front() == '{') {
    if (!read_delta(*delta, chunk)) return false;
  } else if (delta && !is_plain_scalar(*delta)) {
    return false;
  }
  return string_or_ignored(finish_reason, chunk.finish_reason);
}

}  // namespace

bool read_plain_chunk(std::string_view data, PlainChunk& chunk) {
  if (!plain_chunks_on()) return false;
  std::optional<std::string_view> choices;
  const bool read = read_members(data, [&](std::string_view key, std::string_view value) {
    if (key == "choices") return value.front() == '[' && take_once(choices, value);
    // An error member, even null, and usage as an object: the full reading.
    return key != "error" && is_plain_scalar(value);
  });
  return read && (!choices || read_choices(*choices, chunk));
}

void read_plain_chunks_for_test(bool on) { plain_chunks_on() = on; }

}  // namespace heimdall::dialects::openai_chat
