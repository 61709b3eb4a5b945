// The Anthropic stream decoder's plain reading of content_block_delta events
// (anthropic_plain_event.hpp) against its full reading: the same events for every golden stream,
// and for mutations of them.
#include "dialects/anthropic_plain_event.hpp"

#include "dialects/anthropic.hpp"
#include "plain_reading_test_support.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace heimdall::dialects::anthropic_detail {
namespace {

std::optional<PlainDelta> plain(std::string_view data) {
  PlainDelta delta;
  if (!read_plain_delta(data, delta)) return std::nullopt;
  return delta;
}

TEST(AnthropicPlainEventTest, ReadsTextJsonAndThinkingDeltas) {
  auto d = plain(
      R"({"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"a\nb"}})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->index, 2u);
  EXPECT_EQ(d->type, schema::DeltaType::Text);
  EXPECT_EQ(d->text, R"("a\nb")");
  d = plain(R"({"index":0,"delta":{"partial_json":"{\"a\":","type":"input_json_delta"}})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->type, schema::DeltaType::InputJson);
  EXPECT_EQ(d->text, R"("{\"a\":")");
  d = plain(R"({"index":1,"delta":{"type":"thinking_delta","thinking":"hm"}})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->type, schema::DeltaType::Thinking);
}

TEST(AnthropicPlainEventTest, LeavesEveryOtherEventToTheFullReading) {
  for (const std::string_view data : {
           R"({"index":0,"delta":{"type":"signature_delta","signature":"s"}})",
           R"({"index":0,"delta":{"type":"citations_delta","citation":{}}})",
           R"({"index":0,"delta":{"type":"text_delta","text":null}})",
           R"({"index":0,"delta":{"type":"text_delta"}})",
           R"({"index":0,"delta":{"type":"text_delta","text":"a","text":"b"}})",
           R"({"index":0,"delta":{"type":"text\u005fdelta","text":"a"}})",
           R"({"index":0,"delta":{"type":"text_delta","text":"a","partial_json":{}}})",
           R"({"index":-1,"delta":{"type":"text_delta","text":"a"}})",
           R"({"index":1.0,"delta":{"type":"text_delta","text":"a"}})",
           R"({"delta":{"type":"text_delta","text":"a"}})",
           R"({"index":0,"delta":"text"})",
           R"({"index":0,"delta":{"type":"text_delta","text":"a"},"extra":[]})",
           R"({"index":0,"delta":{"type":"text_delta","text":"a"})",
       }) {
    EXPECT_FALSE(plain(data)) << data;
  }
}

const auto kPlainReading = [](bool on) { read_plain_deltas_for_test(on); };

TEST(AnthropicPlainEventTest, GoldenAndMutatedStreamsDecodeAsInTheFullReading) {
  test::expect_streams_decode_alike(anthropic_codec(), "anthropic", kPlainReading, 2'500);
}

}  // namespace
}  // namespace heimdall::dialects::anthropic_detail
