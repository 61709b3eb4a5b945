// The OpenAI Chat Completions codec: a stateless façade over the functions in openai_chat_*.cpp.
#include "dialects/openai_chat.hpp"

#include "dialects/openai_chat_internal.hpp"

namespace heimdall::dialects {

namespace {

class OpenAiChatCodec final : public Codec {
 public:
  // dialects::Codec
  schema::Dialect dialect() const override { return schema::Dialect::OpenAiChat; }

  schema::Result<schema::CanonicalRequest> decode_request(std::string_view body) const override {
    return openai_chat::decode_request(body);
  }
  std::string encode_request(const schema::CanonicalRequest& request,
                             TranslationContext& ctx) const override {
    return openai_chat::encode_request(request, ctx);
  }
  schema::Result<schema::CanonicalResponse> decode_response(
      std::string_view body, const TranslationContext& ctx) const override {
    return openai_chat::decode_response(body, ctx);
  }
  std::string encode_response(const schema::CanonicalResponse& response) const override {
    return openai_chat::encode_response(response);
  }
  std::unique_ptr<StreamDecoder> make_stream_decoder(const TranslationContext& ctx) const override {
    return openai_chat::make_stream_decoder(ctx);
  }
  std::unique_ptr<StreamEncoder> make_stream_encoder(
      const StreamEncoderOptions& options) const override {
    return openai_chat::make_stream_encoder(options);
  }
  schema::Error decode_error(int status, std::string_view body) const override {
    return openai_chat::decode_error(status, body);
  }
  // OpenAI error bodies have no request id slot; the engine sends it as the x-request-id header.
  std::string encode_error(const schema::Error& error, std::string_view) const override {
    return openai_chat::encode_error(error);
  }
  std::string encode_stream_error(const schema::Error& error) const override {
    return openai_chat::encode_stream_error(error);
  }
};

}  // namespace

const Codec& openai_chat_codec() {
  static const OpenAiChatCodec codec;
  return codec;
}

}  // namespace heimdall::dialects
