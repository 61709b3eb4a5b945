// Fuzz target: a provider's SSE bytes, split where the first byte says, through the SSE parser,
// each dialect's stream decoder and both stream encoders (anthropic.md §4.3: the encoders rely on
// the decoders' event invariants, so this also checks that garbage never breaks them).
#include "dialects/anthropic.hpp"
#include "dialects/openai_chat.hpp"
#include "http/sse_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t split = data[0] % size;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  split = split > bytes.size() ? bytes.size() : split;
  using heimdall::dialects::Codec;
  const Codec* codecs[] = {&heimdall::dialects::anthropic_codec(),
                           &heimdall::dialects::openai_chat_codec()};
  std::vector<heimdall::schema::SseEvent> frames;
  heimdall::http::SseParser parser;
  parser.feed(bytes.substr(0, split), frames);
  parser.feed(bytes.substr(split), frames);
  parser.finish(frames);
  heimdall::dialects::TranslationContext context;
  for (const Codec* from : codecs) {
    auto decoder = from->make_stream_decoder(context);
    std::vector<heimdall::schema::StreamEvent> events;
    for (const auto& frame : frames) decoder->feed(frame, events);
    decoder->finish(events);
    for (const Codec* to : codecs) {
      auto encoder = to->make_stream_encoder({"fuzz/model", true});
      std::string out;
      for (const auto& event : events) encoder->encode(event, out);
    }
  }
  return 0;
}
