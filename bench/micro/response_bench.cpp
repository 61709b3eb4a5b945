// Response codecs on a typical non-streamed answer (text + one tool call + usage): each decode and
// encode alone, and the translated path's provider decode → caller encode in both directions.
#include "bench_data.hpp"
#include "dialects/anthropic.hpp"
#include "dialects/openai_chat.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>

namespace heimdall::bench {

namespace {

using dialects::Codec;

dialects::TranslationContext context() {
  dialects::TranslationContext ctx;
  ctx.requested_model = "claude-sonnet-4-5";
  return ctx;
}

void decode_response(benchmark::State& state, const Codec& codec, const std::string& body) {
  const auto ctx = context();
  for (auto _ : state) {
    auto r = codec.decode_response(body, ctx);
    benchmark::DoNotOptimize(r);
  }
}

void encode_response(benchmark::State& state, const Codec& codec, const std::string& body) {
  auto r = codec.decode_response(body, context());
  if (!r) {
    std::abort();  // the bench bodies are valid; a failure here is a codec bug
  }
  for (auto _ : state) {
    auto out = codec.encode_response(*r);
    benchmark::DoNotOptimize(out);
  }
}

void translate_response(benchmark::State& state, const Codec& from, const Codec& to,
                        const std::string& body) {
  const auto ctx = context();
  for (auto _ : state) {
    auto r = from.decode_response(body, ctx);
    auto out = to.encode_response(*r);
    benchmark::DoNotOptimize(out);
  }
}

const Codec& anthropic() { return dialects::anthropic_codec(); }
const Codec& openai() { return dialects::openai_chat_codec(); }

// clang-format off
void BM_AnthropicDecodeResponse(benchmark::State& s) { decode_response(s, anthropic(), bodies().anthropic_response); }
void BM_AnthropicEncodeResponse(benchmark::State& s) { encode_response(s, anthropic(), bodies().anthropic_response); }
void BM_OpenAiDecodeResponse(benchmark::State& s) { decode_response(s, openai(), bodies().openai_response); }
void BM_OpenAiEncodeResponse(benchmark::State& s) { encode_response(s, openai(), bodies().openai_response); }
void BM_OpenAiToAnthropicResponse(benchmark::State& s) { translate_response(s, openai(), anthropic(), bodies().openai_response); }
void BM_AnthropicToOpenAiResponse(benchmark::State& s) { translate_response(s, anthropic(), openai(), bodies().anthropic_response); }
// clang-format on

BENCHMARK(BM_AnthropicDecodeResponse);
BENCHMARK(BM_AnthropicEncodeResponse);
BENCHMARK(BM_OpenAiDecodeResponse);
BENCHMARK(BM_OpenAiEncodeResponse);
BENCHMARK(BM_OpenAiToAnthropicResponse);
BENCHMARK(BM_AnthropicToOpenAiResponse);

}  // namespace

}  // namespace heimdall::bench
