#include "engine/usage_observer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace heimdall::engine {
namespace {

schema::SseEvent event(std::string name, std::string data) {
  schema::SseEvent e;
  e.event = std::move(name);
  e.data = std::move(data);
  return e;
}

TEST(UsageObserverTest, AnthropicStreamKeepsCumulativeCounters) {
  UsageObserver observer(schema::Dialect::Anthropic);
  observer.observe_event(event(
      "message_start",
      R"({"type":"message_start","message":{"id":"m","usage":{"input_tokens":12,"cache_read_input_tokens":30,"output_tokens":1}}})"));
  observer.observe_event(event("content_block_delta", R"({"type":"content_block_delta"})"));
  observer.observe_event(
      event("message_delta", R"({"type":"message_delta","usage":{"output_tokens":42}})"));
  EXPECT_EQ(observer.usage().input_tokens, 12u);
  EXPECT_EQ(observer.usage().cache_read_input_tokens, 30u);
  EXPECT_EQ(observer.usage().output_tokens, 42u);
}

TEST(UsageObserverTest, OpenAiPromptTokensAreSplitIntoCachedAndUncached) {
  UsageObserver observer(schema::Dialect::OpenAiChat);
  std::string body =
      R"({"id":"x","usage":{"prompt_tokens":100,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":60}}})";
  observer.observe_body(body);
  EXPECT_EQ(body.substr(0, 8), R"({"id":"x)");
  EXPECT_EQ(observer.usage().input_tokens, 40u);
  EXPECT_EQ(observer.usage().cache_read_input_tokens, 60u);
  EXPECT_EQ(observer.usage().output_tokens, 20u);
}

// Counters in any order; of a repeated key the first counts (a wrong-typed first one as 0); keys
// are compared as written, so an escaped spelling is another key.
TEST(UsageObserverTest, CountersAreReadWhereTheirKeyFirstOccurs) {
  UsageObserver anthropic(schema::Dialect::Anthropic);
  std::string body =
      R"({"usage":{"cache_creation_input_tokens":4,"output_tokens":"7","output_tokens":9,)"
      R"("cache_creation":{"input_tokens":99},"inp\u0075t_tokens":98,"input_tokens":5,)"
      R"("input_tokens":6,"cache_read_input_tokens":3}})";
  anthropic.observe_body(body);
  EXPECT_EQ(anthropic.usage().input_tokens, 5u);
  EXPECT_EQ(anthropic.usage().output_tokens, 0u);
  EXPECT_EQ(anthropic.usage().cache_read_input_tokens, 3u);
  EXPECT_EQ(anthropic.usage().cache_creation_input_tokens, 4u);

  UsageObserver openai(schema::Dialect::OpenAiChat);
  body = R"({"usage":{"prompt_tokens_details":{"cached_tokens":60},"completion_tokens":20,)"
         R"("prompt_tokens_details":{"cached_tokens":1},"prompt_tokens":100,"prompt_tokens":7}})";
  openai.observe_body(body);
  EXPECT_EQ(openai.usage().input_tokens, 40u);
  EXPECT_EQ(openai.usage().cache_read_input_tokens, 60u);
  EXPECT_EQ(openai.usage().output_tokens, 20u);
}

// A relayed Anthropic stream: usage in message_start (nested) and message_delta.
constexpr std::string_view kAnthropicStream =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{\"input_tokens\":12,"
    "\"cache_read_input_tokens\":30,\"output_tokens\":1}}}\n\n"
    "event: content_block_delta\n"
    "data: "
    "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}\n\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":42}}\n\n"
    "event: message_stop\n"
    "data: {\"type\":\"message_stop\"}\n\n";

// An OpenAI stream with include_usage: "usage":null in every chunk, the object in the last one.
constexpr std::string_view kOpenAiStream =
    "data: {\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\n"
    "data: {\"id\":\"c\",\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\": "
    "null}\n\n"
    "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":20,"
    "\"prompt_tokens_details\":{\"cached_tokens\":60}}}\n\n"
    "data: [DONE]\n\n";

void expect_anthropic_usage(const UsageObserver& observer, const std::string& context) {
  EXPECT_EQ(observer.usage().input_tokens, 12u) << context;
  EXPECT_EQ(observer.usage().cache_read_input_tokens, 30u) << context;
  EXPECT_EQ(observer.usage().output_tokens, 42u) << context;
}

void expect_openai_usage(const UsageObserver& observer, const std::string& context) {
  EXPECT_EQ(observer.usage().input_tokens, 40u) << context;
  EXPECT_EQ(observer.usage().cache_read_input_tokens, 60u) << context;
  EXPECT_EQ(observer.usage().output_tokens, 20u) << context;
}

// Every way of cutting the stream into three reads: a usage frame, or the "usage" key itself,
// split across reads must still be counted, whatever the skip check decided for each piece.
template <class Expect>
void expect_all_splits(schema::Dialect dialect, std::string_view stream, Expect expect) {
  for (size_t a = 0; a <= stream.size(); ++a) {
    for (size_t b = a; b <= stream.size(); b += 7) {
      UsageObserver observer(dialect);
      observer.observe_stream(stream.substr(0, a));
      observer.observe_stream(stream.substr(a, b - a));
      observer.observe_stream(stream.substr(b));
      expect(observer, "cuts at " + std::to_string(a) + " and " + std::to_string(b));
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(UsageObserverTest, AnthropicStreamSplitAnywhereKeepsItsUsage) {
  expect_all_splits(schema::Dialect::Anthropic, kAnthropicStream, expect_anthropic_usage);
}

TEST(UsageObserverTest, CrLfStreamSplitAnywhereKeepsItsUsage) {
  std::string crlf;
  for (char c : kAnthropicStream) {
    if (c == '\n') crlf.push_back('\r');
    crlf.push_back(c);
  }
  expect_all_splits(schema::Dialect::Anthropic, crlf, expect_anthropic_usage);
}

TEST(UsageObserverTest, OpenAiStreamSplitAnywhereKeepsItsUsage) {
  expect_all_splits(schema::Dialect::OpenAiChat, kOpenAiStream, expect_openai_usage);
}

// The frame of `stream` that holds `marker`, with its blank line.
std::string_view frame_of(std::string_view stream, std::string_view marker) {
  const size_t at = stream.find(marker);
  const size_t before = stream.rfind("\n\n", at);
  const size_t start = before == std::string_view::npos ? 0 : before + 2;
  return stream.substr(start, stream.find("\n\n", at) + 2 - start);
}

TEST(UsageObserverTest, OnlyFramesWithAUsageObjectAreParsed) {
  const std::string_view openai_usage = frame_of(kOpenAiStream, "\"usage\":{");
  UsageObserver openai(schema::Dialect::OpenAiChat);
  // One read per frame, as a provider sends them: only the usage chunk needs the parser.
  for (size_t pos = 0; pos < kOpenAiStream.size();) {
    const size_t end = kOpenAiStream.find("\n\n", pos) + 2;
    openai.observe_stream(kOpenAiStream.substr(pos, end - pos));
    pos = end;
  }
  expect_openai_usage(openai, "frame by frame");
  EXPECT_EQ(openai.bytes_parsed_for_test(), openai_usage.size());

  // The whole stream in one read (a relay that fell behind): still only that frame.
  UsageObserver whole(schema::Dialect::OpenAiChat);
  whole.observe_stream(kOpenAiStream);
  expect_openai_usage(whole, "one piece");
  EXPECT_EQ(whole.bytes_parsed_for_test(), openai_usage.size());

  // A read that ends inside the first frame: that frame is parsed to its end, then skipping
  // resumes.
  UsageObserver split(schema::Dialect::OpenAiChat);
  const std::string_view first = frame_of(kOpenAiStream, "\"content\":\"hi\"");
  split.observe_stream(kOpenAiStream.substr(0, 20));
  split.observe_stream(kOpenAiStream.substr(20));
  expect_openai_usage(split, "cut in the first frame");
  EXPECT_EQ(split.bytes_parsed_for_test(), first.size() + openai_usage.size());

  const std::string_view stream = kAnthropicStream;
  UsageObserver anthropic_whole(schema::Dialect::Anthropic);
  anthropic_whole.observe_stream(stream);
  expect_anthropic_usage(anthropic_whole, "one piece");
  EXPECT_EQ(anthropic_whole.bytes_parsed_for_test(),
            frame_of(stream, "message_start").size() + frame_of(stream, "message_delta").size());

  UsageObserver anthropic(schema::Dialect::Anthropic);
  // A frame cut in two is parsed from its start to its end; after it, whole frames are skipped
  // again unless they carry usage.
  const size_t cut = stream.find("content_block_delta") + 5;
  const size_t delta = stream.find("event: message_delta");
  const size_t stop = stream.find("event: message_stop");
  anthropic.observe_stream(stream.substr(0, cut));
  anthropic.observe_stream(stream.substr(cut, delta - cut));
  anthropic.observe_stream(stream.substr(delta, stop - delta));
  anthropic.observe_stream(stream.substr(stop));
  expect_anthropic_usage(anthropic, "four pieces");
  EXPECT_EQ(anthropic.bytes_parsed_for_test(), stop);
}

// Only the top-level usage counts: not a "usage" inside the content (a tool's input, a text), and
// the content may be long.
TEST(UsageObserverTest, ReadsTheTopLevelUsageWhateverTheContentHolds) {
  UsageObserver observer(schema::Dialect::Anthropic);
  std::string body = R"({"content":[{"type":"tool_use","input":{"usage":{"output_tokens":999}}},)"
                     R"({"type":"text","text":"\"usage\":{\"output_tokens\":998} )" +
                     std::string(1 << 20, 'x') +
                     R"("}],"usage":{"input_tokens":7,"output_tokens":11}})";
  observer.observe_body(body);
  EXPECT_EQ(observer.usage().input_tokens, 7u);
  EXPECT_EQ(observer.usage().output_tokens, 11u);
}

TEST(UsageObserverTest, IgnoresGarbage) {
  UsageObserver observer(schema::Dialect::OpenAiChat);
  observer.observe_event(event("", "{\"usage\": nonsense"));
  std::string body = "not json";
  observer.observe_body(body);
  EXPECT_EQ(observer.usage().total_input_tokens(), 0u);
}

}  // namespace
}  // namespace heimdall::engine
