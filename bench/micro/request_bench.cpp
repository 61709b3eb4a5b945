// Request codecs: each dialect's decode and same-dialect encode, and the two translations of the
// translated path (caller decode → provider encode), on a 2 KB and a 50 KB body.
#include "bench_data.hpp"
#include "dialects/anthropic.hpp"
#include "dialects/openai_chat.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>

namespace heimdall::bench {

namespace {

using dialects::Codec;

schema::CanonicalRequest decoded(const Codec& codec, const std::string& body) {
  auto r = codec.decode_request(body);
  if (!r) {
    std::abort();  // the bench bodies are valid; a failure here is a codec bug
  }
  return std::move(*r);
}

void decode_request(benchmark::State& state, const Codec& codec, const std::string& body) {
  for (auto _ : state) {
    auto r = codec.decode_request(body);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void encode_request(benchmark::State& state, const Codec& codec, const std::string& body) {
  const schema::CanonicalRequest request = decoded(codec, body);
  for (auto _ : state) {
    dialects::TranslationContext ctx;
    auto out = codec.encode_request(request, ctx);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void translate_request(benchmark::State& state, const Codec& from, const Codec& to,
                       const std::string& body) {
  for (auto _ : state) {
    auto r = from.decode_request(body);
    dialects::TranslationContext ctx;
    auto out = to.encode_request(*r, ctx);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

const Codec& anthropic() { return dialects::anthropic_codec(); }
const Codec& openai() { return dialects::openai_chat_codec(); }

// clang-format off
void BM_AnthropicDecodeRequest_2K(benchmark::State& s) { decode_request(s, anthropic(), bodies().anthropic_2k); }
void BM_AnthropicDecodeRequest_50K(benchmark::State& s) { decode_request(s, anthropic(), bodies().anthropic_50k); }
void BM_AnthropicEncodeRequest_2K(benchmark::State& s) { encode_request(s, anthropic(), bodies().anthropic_2k); }
void BM_AnthropicEncodeRequest_50K(benchmark::State& s) { encode_request(s, anthropic(), bodies().anthropic_50k); }
void BM_OpenAiDecodeRequest_2K(benchmark::State& s) { decode_request(s, openai(), bodies().openai_2k); }
void BM_OpenAiDecodeRequest_50K(benchmark::State& s) { decode_request(s, openai(), bodies().openai_50k); }
void BM_OpenAiEncodeRequest_2K(benchmark::State& s) { encode_request(s, openai(), bodies().openai_2k); }
void BM_OpenAiEncodeRequest_50K(benchmark::State& s) { encode_request(s, openai(), bodies().openai_50k); }
void BM_AnthropicToOpenAiRequest_2K(benchmark::State& s) { translate_request(s, anthropic(), openai(), bodies().anthropic_2k); }
void BM_AnthropicToOpenAiRequest_50K(benchmark::State& s) { translate_request(s, anthropic(), openai(), bodies().anthropic_50k); }
void BM_OpenAiToAnthropicRequest_2K(benchmark::State& s) { translate_request(s, openai(), anthropic(), bodies().openai_2k); }
void BM_OpenAiToAnthropicRequest_50K(benchmark::State& s) { translate_request(s, openai(), anthropic(), bodies().openai_50k); }
// clang-format on

BENCHMARK(BM_AnthropicDecodeRequest_2K);
BENCHMARK(BM_AnthropicDecodeRequest_50K);
BENCHMARK(BM_AnthropicEncodeRequest_2K);
BENCHMARK(BM_AnthropicEncodeRequest_50K);
BENCHMARK(BM_OpenAiDecodeRequest_2K);
BENCHMARK(BM_OpenAiDecodeRequest_50K);
BENCHMARK(BM_OpenAiEncodeRequest_2K);
BENCHMARK(BM_OpenAiEncodeRequest_50K);
BENCHMARK(BM_AnthropicToOpenAiRequest_2K);
BENCHMARK(BM_AnthropicToOpenAiRequest_50K);
BENCHMARK(BM_OpenAiToAnthropicRequest_2K);
BENCHMARK(BM_OpenAiToAnthropicRequest_50K);

}  // namespace

}  // namespace heimdall::bench
