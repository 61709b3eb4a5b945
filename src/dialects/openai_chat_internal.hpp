// Private to the OpenAI Chat codec (src/dialects/openai_chat*.cpp): the free functions the codec
// class delegates to, and the small helpers they share (JSON access, tool-name shortening,
// stop-reason and usage mapping). Rules: ../shared/protocol/anthropic.md §6.1–§6.3. Not included
// outside dialects/.
#pragma once

#include "dialects/codec.hpp"
#include "dialects/json_dom.hpp"
#include "dialects/json_text.hpp"
#include "schema/error.hpp"
#include "schema/request.hpp"
#include "schema/response.hpp"
#include "schema/usage.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heimdall::dialects::openai_chat {

// --- the codec's operations (one source file each) ---------------------------------------------

schema::Result<schema::CanonicalRequest> decode_request(std::string_view body);
std::string encode_request(const schema::CanonicalRequest& request, TranslationContext& ctx);

schema::Result<schema::CanonicalResponse> decode_response(std::string_view body,
                                                          const TranslationContext& ctx);
std::string encode_response(const schema::CanonicalResponse& response);

std::unique_ptr<StreamDecoder> make_stream_decoder(const TranslationContext& ctx);
std::unique_ptr<StreamEncoder> make_stream_encoder(const StreamEncoderOptions& options);

schema::Error decode_error(int status, std::string_view body);
std::string encode_error(const schema::Error& error);
std::string encode_stream_error(const schema::Error& error);
// The `{"message","type","param","code"}` object encode_error wraps, shared by the stream encoder.
boost::json::object error_object(const schema::Error& error, boost::json::storage_ptr sp);

// --- shared helpers (openai_chat_common.cpp) -----------------------------------------------------

// A deep copy on the default heap: values parsed into a request's monotonic arena must not escape
// into canonical structs, which outlive it.
inline boost::json::value own(const boost::json::value& v) { return boost::json::value(v, {}); }

// Field access that tolerates any JSON shape (untrusted input never throws).
const boost::json::value* find(const boost::json::object& o, std::string_view key);
std::optional<std::string_view> get_string(const boost::json::object& o, std::string_view key);
const boost::json::object* get_object(const boost::json::object& o, std::string_view key);
const boost::json::array* get_array(const boost::json::object& o, std::string_view key);
// The same over simdjson's DOM, for the decoders that parse with it (dialects/json_dom.hpp).
using dialects::find;
using dialects::get_array;
using dialects::get_object;
using dialects::get_string;
using dialects::get_uint;

// OpenAI function names must match ^[a-zA-Z0-9_-]{1,64}$ (§6.1 "assistant tool_use"). A name that
// does not is rewritten to its first 55 characters (invalid ones replaced by '_') + '_' + 8 hex
// digits of a 64-bit FNV-1a hash of the original (LiteLLM uses sha256; any stable hash works, the
// reverse map is what restores it). The rewrite is recorded in ctx.tool_name_restore.
std::string openai_tool_name(const std::string& name, TranslationContext& ctx);
// The caller's original name for a name the upstream returned (identity when it was not rewritten).
std::string restore_tool_name(std::string_view name, const TranslationContext& ctx);

// Tool-call arguments (a JSON text) → the tool_use input object, as compact text. Invalid JSON or a
// non-object gives {} (§6.2: input is never a string) and returns false so the caller can note it.
bool parse_arguments(std::string_view arguments, std::string& input);

// §6.2 finish_reason table; `has_tool_calls` turns "stop" into ToolUse (some providers say stop).
schema::StopReason stop_reason_from_finish(std::string_view finish_reason, bool has_tool_calls);
// The reverse mapping for callers of this dialect.
std::string_view finish_reason_from_stop(std::optional<schema::StopReason> stop);

// OpenAI usage → canonical: prompt_tokens includes cached tokens, the canonical input_tokens does
// not.
schema::Usage usage_from_openai(simdjson::dom::object usage);
/// Writes the `usage` object of a chat.completion (and of a stream's usage chunk).
void write_usage(JsonWriter& w, const schema::Usage& usage);

// What an assistant turn or answer holds, which decides the shape of its OpenAI message.
struct AssistantContent {
  size_t text_blocks = 0;
  bool has_reasoning = false;  // a thinking block with text
  bool has_calls = false;
};
AssistantContent assistant_content(const std::vector<schema::ContentBlock>& blocks);
/// Writes the texts of the blocks of `type`, concatenated, as one JSON string.
void write_joined(JsonWriter& w, const std::vector<schema::ContentBlock>& blocks,
                  schema::BlockType type);

// "chatcmpl-X" ↔ "msg_X": ids stay unique per upstream answer and recognisable in each dialect.
// An empty upstream id gets a fresh one.
std::string message_id_from_openai(std::string_view id);
std::string openai_id_from_message(std::string_view id);

}  // namespace heimdall::dialects::openai_chat
