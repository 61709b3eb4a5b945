// Private to the Anthropic codec: the free functions behind anthropic_codec(), one group per source
// file (anthropic_request.cpp, anthropic_response.cpp, anthropic_stream.cpp, anthropic_errors.cpp).
// Tests go through the public Codec interface, not these.
#pragma once

#include "dialects/codec.hpp"
#include "dialects/json_dom.hpp"
#include "schema/error.hpp"
#include "schema/request.hpp"
#include "schema/response.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall::dialects {
class JsonWriter;
}  // namespace heimdall::dialects

namespace heimdall::dialects::anthropic_detail {

// anthropic_request.cpp — POST /v1/messages bodies (anthropic.md §2).
schema::Result<schema::CanonicalRequest> decode_request(std::string_view body);
std::string encode_request(const schema::CanonicalRequest& request);
/// Why `text` is not valid JSON, in Boost.JSON's words (the decoders' error messages predate their
/// move to simdjson); call only when parsing failed.
std::string json_error_message(std::string_view text);

// anthropic_response.cpp — the Message object (§3).
schema::Result<schema::CanonicalResponse> decode_response(std::string_view body,
                                                          const TranslationContext& ctx);
std::string encode_response(const schema::CanonicalResponse& response);
std::string_view stop_reason_name(schema::StopReason reason);
std::optional<schema::StopReason> parse_stop_reason(std::string_view name);
/// `msg_…` ids (§6.2): kept when already prefixed, prefixed otherwise, generated when empty.
std::string message_id(std::string_view id);
/// Overwrites the counters present in an Anthropic `usage` object (absent ones stay as they were,
/// which is how message_delta's cumulative usage updates message_start's, §4.2).
void read_usage_into(simdjson::dom::element v, schema::Usage& usage);
/// Writes `usage` the way Message and message_start carry it (all four counters).
void write_usage(JsonWriter& w, const schema::Usage& usage);

// anthropic_stream.cpp — SSE (§4).
std::unique_ptr<StreamDecoder> make_stream_decoder(const TranslationContext& ctx);
std::unique_ptr<StreamEncoder> make_stream_encoder(const StreamEncoderOptions& options);

// anthropic_errors.cpp — error bodies (§5).
schema::Error decode_error(int status, std::string_view body);
/// The canonical error an Anthropic `error` object ({type, message}) stands for, e.g. in a stream.
schema::Error error_from_type(std::string_view type, std::string_view message);
/// The documented Anthropic error type for this error (§5.2).
std::string_view error_type(const schema::Error& error);
std::string encode_error(const schema::Error& error, std::string_view request_id);
std::string encode_stream_error(const schema::Error& error);
/// Writes `{"type":"error","error":{"type":…,"message":…}` without closing the outer object.
void write_error_head(JsonWriter& w, const schema::Error& error);

}  // namespace heimdall::dialects::anthropic_detail
