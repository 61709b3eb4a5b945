// The stream decoder's plain-chunk reading (openai_chat_plain_chunk.hpp) against its full reading:
// the same events for every golden stream, and for mutations of them.
#include "dialects/openai_chat_plain_chunk.hpp"

#include "dialects/openai_chat.hpp"
#include "plain_reading_test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace heimdall::dialects::openai_chat {
namespace {

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

const auto kPlainReading = [](bool on) { read_plain_chunks_for_test(on); };

TEST(OpenAiPlainChunkTest, GoldenAndMutatedStreamsDecodeAsInTheFullReading) {
  test::expect_streams_decode_alike(openai_chat_codec(), "openai_chat", kPlainReading, 2'500);
}

}  // namespace
}  // namespace heimdall::dialects::openai_chat
