// Compares a stream decoder's plain reading of frequent events (plain_json.hpp) with its full
// reading: the same golden or mutated stream is decoded with the plain reading on and off.
#pragma once

#include "byte_mutations.hpp"
#include "dialects/codec.hpp"
#include "translation_test_support.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <regex>
#include <string>
#include <vector>

namespace heimdall::test {

/// The events `codec` decodes from `sse`, as events.txt lines, with the plain reading switched by
/// `plain_reading(on)` for the run.
inline std::string decode_events(const dialects::Codec& codec, const std::string& sse,
                                 const std::function<void(bool)>& plain_reading, bool on) {
  plain_reading(on);
  auto decoder = codec.make_stream_decoder(dialects::TranslationContext{});
  std::vector<schema::StreamEvent> events;
  for (const auto& e : split_sse(sse)) decoder->feed(e, events);
  decoder->finish(events);
  plain_reading(true);
  // A stream without a message id gets a random one.
  static const std::regex kMintedId("msg_gw[0-9a-f]+");
  return std::regex_replace(dump_events(events), kMintedId, "msg_gw<random>");
}

/// The stream.sse files of the golden cases under tests/data/<dialect>.
inline std::vector<std::string> golden_streams(std::string_view dialect) {
  std::vector<std::string> streams;
  for (const std::filesystem::path& dir : case_dirs(data_dir(dialect))) {
    if (test::exists(dir / "stream.sse")) streams.push_back(read_file(dir / "stream.sse"));
  }
  return streams;
}

/// Every golden stream under tests/data/<dialect>, and `mutations` byte-level mutations of them
/// (never of a line break), decoded with the plain reading on and off: whatever an event turns into
/// (another shape, invalid JSON), the events must be the same.
inline void expect_streams_decode_alike(const dialects::Codec& codec, std::string_view dialect,
                                        const std::function<void(bool)>& plain_reading,
                                        int mutations) {
  const std::vector<std::string> streams = golden_streams(dialect);
  ASSERT_GE(streams.size(), 10u);
  for (const std::string& sse : streams) {
    EXPECT_EQ(decode_events(codec, sse, plain_reading, true),
              decode_events(codec, sse, plain_reading, false))
        << sse;
  }
  const std::string alphabet = "{}[]\",:\\ 0123456789.eE-+tfnulraex_\xC3\xA9";
  std::mt19937 random(5);
  for (int i = 0; i < mutations; ++i) {
    std::string sse = streams[random() % streams.size()];
    mutate_bytes(sse, random, alphabet, 1, '\n');
    ASSERT_EQ(decode_events(codec, sse, plain_reading, true),
              decode_events(codec, sse, plain_reading, false))
        << sse;
  }
}

}  // namespace heimdall::test
