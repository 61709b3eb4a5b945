// Fuzz target: a caller's request body through both dialects' decoders, and what decodes through
// both encoders and back (anthropic.md §6: translation must never throw or crash on untrusted
// bytes).
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
  for (const Codec* from : codecs) {
    auto request = from->decode_request(body);
    if (!request) continue;
    for (const Codec* to : codecs) {
      heimdall::dialects::TranslationContext context;
      auto encoded = to->encode_request(*request, context);
      (void)to->decode_request(encoded);
    }
  }
  return 0;
}
