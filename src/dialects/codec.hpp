// The interface every dialect implements: both directions of one wire format (request, response,
// stream, errors). The engine picks a codec for the caller's surface and one for the provider, and
// translates through the canonical model. Codecs do no I/O and never throw on untrusted bytes.
#pragma once

#include "schema/error.hpp"
#include "schema/request.hpp"
#include "schema/response.hpp"
#include "schema/sse_event.hpp"
#include "schema/stream.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace heimdall::dialects {

// State one translated request carries from encode_request to the decoding of its answer.
struct TranslationContext {
  // The model string the caller asked for (e.g. "openai/gpt-4o-mini"); responses echo it.
  std::string requested_model;
  // Tool names shortened for a target with a name limit (OpenAI: 64 chars) → the caller's original.
  std::unordered_map<std::string, std::string> tool_name_restore;
};

// Turns a provider's SSE events into canonical events (see schema/stream.hpp for the invariants).
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  /// Appends the canonical events this provider event produces to `out`.
  virtual void feed(const schema::SseEvent& event, std::vector<schema::StreamEvent>& out) = 0;
  /// The upstream closed. Appends what completes the stream: nothing when it already ended, an Error
  /// event ("upstream stream ended before completion") when it had not.
  virtual void finish(std::vector<schema::StreamEvent>& out) = 0;
  /// True once MessageStop or Error has been produced.
  virtual bool done() const = 0;
};

// Turns canonical events into the caller's SSE bytes.
class StreamEncoder {
 public:
  virtual ~StreamEncoder() = default;
  /// Appends the wire bytes (complete SSE frames) for `event` to `out`; may append nothing.
  virtual void encode(const schema::StreamEvent& event, std::string& out) = 0;
};

struct StreamEncoderOptions {
  std::string model;           // the model name to show the caller
  bool include_usage = false;  // OpenAI: stream_options.include_usage
};

class Codec {
 public:
  virtual ~Codec() = default;

  virtual schema::Dialect dialect() const = 0;

  /// Caller bytes → canonical request. Errors are InvalidArgument with a message naming the field.
  virtual schema::Result<schema::CanonicalRequest> decode_request(std::string_view body) const = 0;
  /// Canonical request → provider bytes. `ctx` receives what the answer's decoding needs.
  virtual std::string encode_request(const schema::CanonicalRequest& request,
                                     TranslationContext& ctx) const = 0;

  /// Provider bytes → canonical response.
  virtual schema::Result<schema::CanonicalResponse> decode_response(
      std::string_view body, const TranslationContext& ctx) const = 0;
  /// Canonical response → caller bytes.
  virtual std::string encode_response(const schema::CanonicalResponse& response) const = 0;

  virtual std::unique_ptr<StreamDecoder> make_stream_decoder(
      const TranslationContext& ctx) const = 0;
  virtual std::unique_ptr<StreamEncoder> make_stream_encoder(
      const StreamEncoderOptions& options) const = 0;

  /// A provider's error answer (status + body) → canonical error, keeping its message and type.
  virtual schema::Error decode_error(int status, std::string_view body) const = 0;
  /// Canonical error → the caller's error body (JSON). `request_id` goes in the body where the
  /// dialect has a slot for it.
  virtual std::string encode_error(const schema::Error& error,
                                   std::string_view request_id) const = 0;
  /// The SSE frame that reports an error after a stream has begun.
  virtual std::string encode_stream_error(const schema::Error& error) const = 0;
};

/// The codec for a dialect; codecs are stateless and live for the program's life.
const Codec& codec_for(schema::Dialect dialect);

}  // namespace heimdall::dialects
