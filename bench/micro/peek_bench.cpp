// The fast path's body peek (engine/body_peek.cpp, a JsonObjectReader over the body) on the 2 KB and
// 50 KB Anthropic bodies, beside what it replaced: simdjson On-Demand walking the body's top-level
// members, which first builds the structural index of the whole body (stage 1).
#include "bench_data.hpp"
#include "engine/body_peek.hpp"

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdlib>
#include <string>

namespace heimdall::bench {

namespace {

void peek(benchmark::State& state, const std::string& body) {
  for (auto _ : state) {
    auto peeked = engine::peek_body(body);
    if (!peeked || !peeked->has_model) std::abort();  // the bench bodies are valid
    benchmark::DoNotOptimize(peeked);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void simdjson_top_level(benchmark::State& state, std::string body) {
  simdjson::ondemand::parser parser;
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  const simdjson::padded_string_view input(body.data(), body.size(), body.capacity());
  for (auto _ : state) {
    simdjson::ondemand::document doc;
    simdjson::ondemand::object object;
    if (parser.iterate(input).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(object) != simdjson::SUCCESS) {
      std::abort();
    }
    size_t keys = 0;
    for (auto field : object) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) std::abort();
      keys += key.size();
    }
    benchmark::DoNotOptimize(keys);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

// clang-format off
void BM_BodyPeek_2K(benchmark::State& s) { peek(s, bodies().anthropic_2k); }
void BM_BodyPeek_50K(benchmark::State& s) { peek(s, bodies().anthropic_50k); }
void BM_SimdjsonOnDemandTopLevel_2K(benchmark::State& s) { simdjson_top_level(s, bodies().anthropic_2k); }
void BM_SimdjsonOnDemandTopLevel_50K(benchmark::State& s) { simdjson_top_level(s, bodies().anthropic_50k); }
// clang-format on

BENCHMARK(BM_BodyPeek_2K);
BENCHMARK(BM_BodyPeek_50K);
BENCHMARK(BM_SimdjsonOnDemandTopLevel_2K);
BENCHMARK(BM_SimdjsonOnDemandTopLevel_50K);

}  // namespace

}  // namespace heimdall::bench
