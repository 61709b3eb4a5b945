// Fuzz target: a provider's response or error body through both dialects' decoders, and every
// decoded response through both encoders.
#include "dialects/anthropic.hpp"
#include "dialects/openai_chat.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  using heimdall::dialects::Codec;
  const Codec* codecs[] = {&heimdall::dialects::anthropic_codec(),
                           &heimdall::dialects::openai_chat_codec()};
  heimdall::dialects::TranslationContext context;
  context.requested_model = "fuzz/model";
  for (const Codec* from : codecs) {
    auto error = from->decode_error(size > 0 ? 400 + data[0] % 200 : 500, body);
    for (const Codec* to : codecs) {
      (void)to->encode_error(error, "req_fuzz");
      (void)to->encode_stream_error(error);
    }
    auto response = from->decode_response(body, context);
    if (!response) continue;
    for (const Codec* to : codecs) (void)to->encode_response(*response);
  }
  return 0;
}
