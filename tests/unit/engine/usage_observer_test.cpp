#include "engine/usage_observer.hpp"

#include <gtest/gtest.h>

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

TEST(UsageObserverTest, IgnoresGarbage) {
  UsageObserver observer(schema::Dialect::OpenAiChat);
  observer.observe_event(event("", "{\"usage\": nonsense"));
  std::string body = "not json";
  observer.observe_body(body);
  EXPECT_EQ(observer.usage().total_input_tokens(), 0u);
}

}  // namespace
}  // namespace heimdall::engine
