// The stream decoder's plain-chunk reading (openai_chat_plain_chunk.hpp) against its full reading:
// the same events for every golden stream, and for mutations of them.
#include "dialects/openai_chat_plain_chunk.hpp"

#include "dialects/openai_chat.hpp"
#include "translation_test_support.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

namespace heimdall::dialects::openai_chat {
namespace {

namespace fs = std::filesystem;

std::optional<PlainChunk> plain(std::string_view data) {
  PlainChunk chunk;
  if (!read_plain_chunk(data, chunk)) return std::nullopt;
  return chunk;
}

TEST(OpenAiPlainChunkTest, ReadsTheContentAndFinishOfOneChoice) {
  const auto chunk = plain(
      R"({"id":"c","object":"chat.completion.chunk","created":1741570283,"model":"m","system_fingerprint":"fp","choices":[ {"index":0,"delta":{"content":"a\nb"},"logprobs":null,"finish_reason":null} ],"usage":null})");
  ASSERT_TRUE(chunk);
  EXPECT_EQ(chunk->content, R"("a\nb")");
  EXPECT_FALSE(chunk->finish_reason);
  const auto last = plain(R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})");
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->content);
  EXPECT_EQ(last->finish_reason, R"("stop")");
  EXPECT_TRUE(plain(R"({"choices":[]})"));
  EXPECT_TRUE(plain(R"({"choices":[{"index":0,"delta":{"content":null,"tool_calls":null}}]})"));
}

TEST(OpenAiPlainChunkTest, LeavesEveryOtherChunkToTheFullReading) {
  for (const std::string_view data : {
           R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0}]}}]})",
           R"({"choices":[{"index":0,"delta":{"reasoning_content":"hm"}}]})",
           R"({"choices":[{"index":0,"delta":{"refusal":"no"}}]})",
           R"({"choices":[{"index":1,"delta":{"content":"x"}}]})",
           R"({"choices":[{"index":0,"delta":{"content":"x"}},{"index":1,"delta":{}}]})",
           R"({"choices":[{"index":0,"delta":{"content":"x","content":"y"}}]})",
           R"({"choices":[{"index":0,"delta":{"con\u0074ent":"x"}}]})",
           R"({"choices":[],"usage":{"prompt_tokens":1}})",
           R"({"error":null,"choices":[]})",
           R"({"created":12345678901234567890,"choices":[]})",
           R"({"created":1e400,"choices":[]})",
           R"({"choices":[{"index":0,"logprobs":{"content":[]}}]})",
           R"({"choices":[{"index":0,"delta":{"content":"x"}]})",
           R"({"choices":[{"index":0,"delta":{"content":"x"}}],})",
           R"({"choices":[{"index":0,"delta":{"content":"\x"}}]})",
           R"([{"choices":[]}])",
       }) {
    EXPECT_FALSE(plain(data)) << data;
  }
}

std::string decode_events(const std::string& sse, bool plain_chunks) {
  read_plain_chunks_for_test(plain_chunks);
  auto decoder = openai_chat_codec().make_stream_decoder(TranslationContext{});
  std::vector<schema::StreamEvent> events;
  for (const auto& e : test::split_sse(sse)) decoder->feed(e, events);
  decoder->finish(events);
  read_plain_chunks_for_test(true);
  // A chunk without an id gets a random message id.
  static const std::regex kMintedId("msg_gw[0-9a-f]+");
  return std::regex_replace(test::dump_events(events), kMintedId, "msg_gw<random>");
}

std::vector<std::string> golden_streams() {
  std::vector<std::string> streams;
  for (const fs::path& dir : test::case_dirs(test::data_dir("openai_chat"))) {
    if (test::exists(dir / "stream.sse")) streams.push_back(test::read_file(dir / "stream.sse"));
  }
  return streams;
}

TEST(OpenAiPlainChunkTest, GoldenStreamsDecodeAsInTheFullReading) {
  const std::vector<std::string> streams = golden_streams();
  ASSERT_GE(streams.size(), 10u);
  for (const std::string& sse : streams) {
    EXPECT_EQ(decode_events(sse, true), decode_events(sse, false)) << sse;
  }
}

// Byte-level mutations of the golden streams (a byte replaced, inserted or dropped), each decoded
// both ways: whatever a chunk turns into (another shape, invalid JSON), the events are the same.
TEST(OpenAiPlainChunkTest, MutatedStreamsDecodeAsInTheFullReading) {
  const std::vector<std::string> streams = golden_streams();
  const std::string alphabet = "{}[]\",:\\ 0123456789.eE-+tfnulraex\xC3\xA9";
  std::mt19937 random(5);
  for (int i = 0; i < 4'000; ++i) {
    std::string sse = streams[random() % streams.size()];
    for (int edits = 1 + static_cast<int>(random() % 3); edits > 0; --edits) {
      const size_t at = random() % sse.size();
      const char byte = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          if (sse[at] != '\n') sse[at] = byte;  // keep the frames apart
          break;
        case 1:
          sse.insert(sse.begin() + static_cast<std::ptrdiff_t>(at), byte);
          break;
        default:
          if (sse[at] != '\n') sse.erase(at, 1);
          break;
      }
    }
    ASSERT_EQ(decode_events(sse, true), decode_events(sse, false)) << sse;
  }
}

}  // namespace
}  // namespace heimdall::dialects::openai_chat
