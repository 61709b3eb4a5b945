// Stream translation per event, the way the engine relays a translated stream: each upstream SSE
// event goes through the provider's StreamDecoder into canonical events, which the caller's
// StreamEncoder writes as SSE bytes. Buffers are reused across events as the engine reuses them.
// `per_event` is the time per upstream event; a fresh decoder/encoder pair per stream is included.
#include "bench_data.hpp"
#include "dialects/anthropic.hpp"
#include "dialects/openai_chat.hpp"
#include "http/sse_parser.hpp"

#include <benchmark/benchmark.h>

namespace heimdall::bench {

namespace {

using dialects::Codec;

void per_event(benchmark::State& state, size_t events) {
  state.counters["per_event"] = benchmark::Counter(
      static_cast<double>(events),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events));
}

void translate_stream(benchmark::State& state, const Codec& from, const Codec& to,
                      const std::string& sse) {
  const std::vector<schema::SseEvent> frames = parse_events(sse);
  dialects::TranslationContext ctx;
  ctx.requested_model = "claude-sonnet-4-5";
  const dialects::StreamEncoderOptions options{"claude-sonnet-4-5", true};
  std::vector<schema::StreamEvent> events;
  std::string out;
  for (auto _ : state) {
    auto decoder = from.make_stream_decoder(ctx);
    auto encoder = to.make_stream_encoder(options);
    for (const auto& frame : frames) {
      events.clear();
      out.clear();
      decoder->feed(frame, events);
      for (const auto& e : events) {
        encoder->encode(e, out);
      }
      benchmark::DoNotOptimize(out.data());
    }
  }
  per_event(state, frames.size());
}

void decode_stream(benchmark::State& state, const Codec& from, const std::string& sse) {
  const std::vector<schema::SseEvent> frames = parse_events(sse);
  const dialects::TranslationContext ctx;
  std::vector<schema::StreamEvent> events;
  for (auto _ : state) {
    auto decoder = from.make_stream_decoder(ctx);
    for (const auto& frame : frames) {
      events.clear();
      decoder->feed(frame, events);
      benchmark::DoNotOptimize(events.data());
    }
  }
  per_event(state, frames.size());
}

// SSE framing alone, fed in reads of 512 bytes (frames split across reads, as from a socket).
void parse_sse(benchmark::State& state, const std::string& sse) {
  const size_t count = parse_events(sse).size();
  std::vector<schema::SseEvent> events;
  for (auto _ : state) {
    http::SseParser parser;
    for (size_t at = 0; at < sse.size(); at += 512) {
      events.clear();
      parser.feed(std::string_view(sse).substr(at, 512), events);
      benchmark::DoNotOptimize(events.data());
    }
  }
  per_event(state, count);
}

const Codec& anthropic() { return dialects::anthropic_codec(); }
const Codec& openai() { return dialects::openai_chat_codec(); }

// clang-format off
void BM_StreamOpenAiToAnthropic(benchmark::State& s) { translate_stream(s, openai(), anthropic(), bodies().openai_stream); }
void BM_StreamAnthropicToOpenAi(benchmark::State& s) { translate_stream(s, anthropic(), openai(), bodies().anthropic_stream); }
void BM_StreamDecodeOpenAi(benchmark::State& s) { decode_stream(s, openai(), bodies().openai_stream); }
void BM_StreamDecodeAnthropic(benchmark::State& s) { decode_stream(s, anthropic(), bodies().anthropic_stream); }
void BM_SseParseOpenAi(benchmark::State& s) { parse_sse(s, bodies().openai_stream); }
void BM_SseParseAnthropic(benchmark::State& s) { parse_sse(s, bodies().anthropic_stream); }
// clang-format on

BENCHMARK(BM_StreamOpenAiToAnthropic);
BENCHMARK(BM_StreamAnthropicToOpenAi);
BENCHMARK(BM_StreamDecodeOpenAi);
BENCHMARK(BM_StreamDecodeAnthropic);
BENCHMARK(BM_SseParseOpenAi);
BENCHMARK(BM_SseParseAnthropic);

}  // namespace

}  // namespace heimdall::bench
