// Private to the Anthropic codec: content blocks (anthropic.md §2.1, §3) in both directions, shared
// by the request, response and stream codecs, plus the field path used in validation messages.
#pragma once

#include "dialects/anthropic_json.hpp"
#include "schema/content.hpp"
#include "schema/error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace heimdall::dialects::anthropic_detail {

// A field path such as `messages.0.content.2.source`, linked through the stack of the recursive
// decoders and rendered only when an error is reported (valid input never builds a string).
struct Path {
  const Path* parent = nullptr;
  std::string_view key;  // empty for an array index
  size_t index = 0;

  Path child(std::string_view k) const { return Path{this, k, 0}; }
  Path at(size_t i) const { return Path{this, {}, i}; }
  std::string str() const;
};

// Anthropic's validator words (pydantic), so callers see the messages the real API gives.
schema::Error field_required(const Path& path);
schema::Error wrong_kind(const Path& path, std::string_view kind);  // "a valid string", …

/// How much of a block to write: requests replay `extra` only when they came from Anthropic;
/// responses always write `citations` (null when absent) and nothing else from `extra`.
enum class BlockShape { RequestSameDialect, RequestOtherDialect, Response };

/// One block of `messages[].content`, `tool_result.content` or a response's `content`. Unknown
/// block types and source kinds become Opaque with the raw JSON kept (never an error: new types
/// appear often). `out` is a fresh block already in its vector: blocks are large, so they are
/// built in place rather than moved there; on an error its contents are unspecified.
std::optional<schema::Error> decode_block(simdjson::dom::element v, const Path& path,
                                          schema::ContentBlock& out);

/// Whether `encode_block` would write anything for this block in this shape.
bool is_encodable(const schema::ContentBlock& block, BlockShape shape);
/// Writes the block as one JSON object; call only when is_encodable() is true.
void encode_block(JsonWriter& w, const schema::ContentBlock& block, BlockShape shape);

/// Writes `"key":"id"` for a tool id, replacing characters outside Anthropic's `^[a-zA-Z0-9_-]+$`
/// with '_' unless the block came from Anthropic (another provider's ids may not fit, §2.1).
void write_tool_id(JsonWriter& w, std::string_view key, std::string_view id, BlockShape shape);

/// `cache_control` in either direction; a null or malformed value is treated as absent.
std::optional<schema::CacheControl> decode_cache_control(simdjson::dom::element v);
void write_cache_control(JsonWriter& w, const schema::CacheControl& cc);

}  // namespace heimdall::dialects::anthropic_detail
