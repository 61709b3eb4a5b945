// The Anthropic Messages codec object: a stateless facade over the free functions of
// anthropic_request.cpp, anthropic_response.cpp, anthropic_stream.cpp and anthropic_errors.cpp.
#include "dialects/anthropic.hpp"

#include "dialects/anthropic_internal.hpp"

namespace heimdall::dialects {

namespace {

namespace detail = anthropic_detail;

class AnthropicCodec final : public Codec {
 public:
  // dialects::Codec
  schema::Dialect dialect() const override { return schema::Dialect::Anthropic; }

  schema::Result<schema::CanonicalRequest> decode_request(std::string_view body) const override {
    return detail::decode_request(body);
  }
  std::string encode_request(const schema::CanonicalRequest& request,
                             TranslationContext& /*ctx*/) const override {
    // Anthropic has no name limits to shorten around, so nothing goes into ctx.
    return detail::encode_request(request);
  }

  schema::Result<schema::CanonicalResponse> decode_response(
      std::string_view body, const TranslationContext& ctx) const override {
    return detail::decode_response(body, ctx);
  }
  std::string encode_response(const schema::CanonicalResponse& response) const override {
    return detail::encode_response(response);
  }

  std::unique_ptr<StreamDecoder> make_stream_decoder(const TranslationContext& ctx) const override {
    return detail::make_stream_decoder(ctx);
  }
  std::unique_ptr<StreamEncoder> make_stream_encoder(
      const StreamEncoderOptions& options) const override {
    return detail::make_stream_encoder(options);
  }

  schema::Error decode_error(int status, std::string_view body) const override {
    return detail::decode_error(status, body);
  }
  std::string encode_error(const schema::Error& error, std::string_view request_id) const override {
    return detail::encode_error(error, request_id);
  }
  std::string encode_stream_error(const schema::Error& error) const override {
    return detail::encode_stream_error(error);
  }
};

}  // namespace

const Codec& anthropic_codec() {
  static const AnthropicCodec codec;
  return codec;
}

}  // namespace heimdall::dialects
