// All but a few chunks of an OpenAI chat stream are alike: one choice whose delta holds a piece of
// text. Those are read here with JsonObjectReader, one object level at a time, instead of with a
// simdjson document and a Members index per object, which cost about 5k instructions for a
// 200-byte chunk, the larger part of translating a stream. Any other chunk (the first, tool calls,
// reasoning, refusals, usage, errors, several choices, escaped keys, a value this reading does not
// check) is left to the stream decoder's full reading.
#pragma once

#include <optional>
#include <string_view>

namespace heimdall::dialects::openai_chat {

struct PlainChunk {
  // String tokens, with their quotes and escapes (decode with append_decoded_json_string).
  std::optional<std::string_view> content;        // the delta's content, when it is a string
  std::optional<std::string_view> finish_reason;  // the choice's, when it is a string
};

/// Reads `data`, a chunk's JSON, when it has that shape and is valid JSON: the chunk's objects are
/// read member by member, checked to RFC 8259, and every value that is not read is a string, a
/// literal or a short number (which the full reading's parser reads alike). False otherwise: the
/// caller reads the chunk in full, and reports it when it is not JSON.
bool read_plain_chunk(std::string_view data, PlainChunk& chunk);

/// For tests: false makes read_plain_chunk refuse every chunk, so that the full reading of the same
/// chunks can be compared with this one.
void read_plain_chunks_for_test(bool on);

}  // namespace heimdall::dialects::openai_chat
