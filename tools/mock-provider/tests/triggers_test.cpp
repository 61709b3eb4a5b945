#include "triggers.hpp"

#include <gtest/gtest.h>

namespace heimdall::mock {
namespace {

TEST(TriggersTest, ParsesPromptMarkers) {
  Triggers t;
  t.add_prompt(
      "hello [[status:429]] [[retry-after:7]] [[delay:150]] [[event-delay:20]] [[deltas:5]] "
      "[[cached:100]] "
      "[[cache_write:30]] [[reset-mid-stream]]");
  EXPECT_EQ(t.status, 429);
  EXPECT_EQ(t.retry_after_s, 7);
  EXPECT_EQ(t.delay.count(), 150);
  EXPECT_EQ(t.event_delay->count(), 20);
  EXPECT_EQ(t.deltas, 5U);
  EXPECT_EQ(t.cached, 100U);
  EXPECT_EQ(t.cache_write, 30U);
  EXPECT_TRUE(t.reset_mid_stream);
  EXPECT_FALSE(t.reset_before);
  EXPECT_FALSE(t.error_mid_stream);
  EXPECT_EQ(t.tool, ToolTrigger::None);
}

TEST(TriggersTest, ParsesToolMarkers) {
  Triggers a;
  a.add_prompt("please [[tool]]");
  EXPECT_EQ(a.tool, ToolTrigger::First);

  Triggers b;
  b.add_prompt("[[tool:get_weather]]");
  EXPECT_EQ(b.tool, ToolTrigger::Named);
  EXPECT_EQ(b.tool_arg, "get_weather");

  Triggers c;
  c.add_prompt("run [[bash:ls -la /tmp | wc -l]] now");
  EXPECT_EQ(c.tool, ToolTrigger::Bash);
  EXPECT_EQ(c.tool_arg, "ls -la /tmp | wc -l");
}

TEST(TriggersTest, IgnoresUnknownAndMalformedMarkers) {
  Triggers t;
  t.add_prompt(
      "[[status:abc]] [[delay:-5]] [[deltas:0]] [[whatever]] [[status:42]] [[unterminated");
  EXPECT_FALSE(t.status);
  EXPECT_EQ(t.delay.count(), 0);
  EXPECT_FALSE(t.deltas);
}

TEST(TriggersTest, HeadersWinOverPrompt) {
  Triggers t;
  t.add_prompt("[[status:500]] [[delay:10]]");
  const HeaderFields headers{{"x-mock-status", "503"},       {"x-mock-delay-ms", "25"},
                             {"x-mock-event-delay-ms", "3"}, {"x-mock-retry-after", "9"},
                             {"x-mock-reset", "before"},     {"x-mock-error", "mid-stream"}};
  t.add_headers(headers);
  EXPECT_EQ(t.status, 503);
  EXPECT_EQ(t.delay.count(), 25);
  EXPECT_EQ(t.event_delay->count(), 3);
  EXPECT_EQ(t.retry_after_s, 9);
  EXPECT_TRUE(t.reset_before);
  EXPECT_TRUE(t.error_mid_stream);
}

TEST(TriggersTest, ResetMidStreamHeader) {
  Triggers t;
  t.add_headers(HeaderFields{{"X-Mock-Reset", "mid-stream"}});
  EXPECT_TRUE(t.reset_mid_stream);
  EXPECT_FALSE(t.reset_before);
}

}  // namespace
}  // namespace heimdall::mock
