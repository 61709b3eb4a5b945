// Most events of an Anthropic stream are content_block_delta events carrying a piece of text (or
// of a tool's JSON input, or of thinking). Those are read here with JsonObjectReader
// (plain_json.hpp) instead of a simdjson document and Members per object; any other event, and any
// delta this reading does not check in full, is left to the stream decoder's full reading.
#pragma once

#include "schema/stream.hpp"

#include <cstddef>
#include <string_view>

namespace heimdall::dialects::anthropic_detail {

struct PlainDelta {
  size_t index = 0;
  schema::DeltaType type = schema::DeltaType::Text;
  std::string_view text;  // the payload's string token (decode with append_decoded_json_string)
};

/// Reads the data of a content_block_delta event whose delta is a text_delta, input_json_delta or
/// thinking_delta with its string, and whose index is a plain integer; false for anything else
/// (the caller reads the event in full, and reports it when it is malformed).
bool read_plain_delta(std::string_view data, PlainDelta& delta);

/// For tests: false makes read_plain_delta refuse every event, so that the full reading of the
/// same events can be compared with this one.
void read_plain_deltas_for_test(bool on);

}  // namespace heimdall::dialects::anthropic_detail
