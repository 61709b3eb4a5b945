#include "reply_plan.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

namespace heimdall::mock {
namespace {

TEST(ReplyPlanTest, ToolInputFromSchemaFillsRequiredProperties) {
  const auto schema = test::parse_json(R"({"type":"object","properties":{
      "s":{"type":"string"},"n":{"type":"number"},"i":{"type":"integer"},"b":{"type":"boolean"},
      "o":{"type":"object"},"a":{"type":"array"},"e":{"type":"string","enum":["x","y"]},
      "u":{"type":["null","integer"]},"optional":{"type":"string"}},
      "required":["s","n","i","b","o","a","e","u","missing"]})");
  const auto input = tool_input_from_schema(&schema);
  EXPECT_EQ(boost::json::serialize(input),
            R"({"s":"mock","n":1,"i":1,"b":true,"o":{},"a":[],"e":"x","u":1,"missing":"mock"})");
  EXPECT_TRUE(tool_input_from_schema(nullptr).empty());
}

TEST(ReplyPlanTest, SplitWordsKeepsSpacesWithWord) {
  const auto pieces = split_words("mock reply  to: hi");
  ASSERT_EQ(pieces.size(), 4U);
  EXPECT_EQ(pieces[0], "mock ");
  EXPECT_EQ(pieces[1], "reply  ");
  EXPECT_EQ(pieces[2], "to: ");
  EXPECT_EQ(pieces[3], "hi");
  EXPECT_EQ(count_words("mock reply  to: hi "), 4U);
  EXPECT_TRUE(split_words("").empty());
}

TEST(ReplyPlanTest, SplitEvenGivesExactlyNPiecesWithoutBreakingUtf8) {
  const std::string text = "h\xC3\xA9llo w\xC3\xB6rld";  // héllo wörld
  for (size_t n : {1U, 2U, 3U, 7U, 11U, 20U}) {
    const auto pieces = split_even(text, n);
    ASSERT_EQ(pieces.size(), n);
    std::string joined;
    for (auto p : pieces) {
      if (!p.empty()) {
        EXPECT_NE(static_cast<unsigned char>(p.front()) & 0xC0, 0x80)
            << "piece starts mid-sequence";
      }
      joined.append(p);
    }
    EXPECT_EQ(joined, text);
  }
}

ReplyInputs basic_inputs(std::string prompt) {
  ReplyInputs in;
  in.prompt = std::move(prompt);
  in.model = std::string("m");
  in.key = std::string("k");
  in.body_bytes = 101;
  in.triggers.add_prompt(in.prompt);
  return in;
}

TEST(ReplyPlanTest, DefaultReplyEchoesPromptModelAndKey) {
  const auto plan = plan_reply(basic_inputs("hello there"));
  EXPECT_EQ(plan.text, "mock reply to: hello there | model=m | key=k");
  EXPECT_EQ(plan.stop, StopKind::EndTurn);
  EXPECT_EQ(plan.prompt_tokens, 26U);  // ceil(101 / 4)
  EXPECT_EQ(plan.output_tokens, 9U);
  EXPECT_FALSE(plan.tool_call);
}

TEST(ReplyPlanTest, StopSequenceCutsBeforeEarliestMatch) {
  auto in = basic_inputs("one two STOP three END");
  in.stop_sequences = {"END", "STOP"};
  const auto plan = plan_reply(in);
  EXPECT_EQ(plan.text, "mock reply to: one two ");
  EXPECT_EQ(plan.stop, StopKind::StopSequence);
  EXPECT_EQ(plan.stop_sequence, "STOP");
  EXPECT_EQ(plan.output_tokens, 5U);
}

TEST(ReplyPlanTest, MaxTokensCutsToWordCount) {
  auto in = basic_inputs("a b c d");
  in.max_tokens = 4;
  const auto plan = plan_reply(in);
  EXPECT_EQ(plan.text, "mock reply to: a");
  EXPECT_EQ(plan.stop, StopKind::MaxTokens);
  EXPECT_EQ(plan.output_tokens, 4U);

  auto roomy = basic_inputs("a");
  roomy.max_tokens = 1000;
  EXPECT_EQ(plan_reply(roomy).stop, StopKind::EndTurn);
}

TEST(ReplyPlanTest, EarlierOfStopSequenceAndMaxTokensWins) {
  auto in = basic_inputs("a b c d");
  in.max_tokens = 5;
  in.stop_sequences = {"to:"};
  const auto plan = plan_reply(in);
  EXPECT_EQ(plan.text, "mock reply ");
  EXPECT_EQ(plan.stop, StopKind::StopSequence);
}

TEST(ReplyPlanTest, ToolTriggerNeedsOfferedTool) {
  const auto schema = test::parse_json(
      R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})");
  auto in = basic_inputs("weather? [[tool]]");
  EXPECT_FALSE(plan_reply(in).tool_call);
  in.tools.push_back(ToolSpec{"get_weather", &schema});
  const auto plan = plan_reply(in);
  ASSERT_TRUE(plan.tool_call);
  EXPECT_EQ(plan.tool_name, "get_weather");
  EXPECT_EQ(plan.tool_input, R"({"city":"mock"})");
  EXPECT_EQ(plan.text, "Calling get_weather.");
  EXPECT_EQ(plan.stop, StopKind::ToolUse);
  EXPECT_EQ(plan.output_tokens, 2U + 5U);
}

TEST(ReplyPlanTest, BashTriggerBuildsCommandInput) {
  auto in = basic_inputs("[[bash:echo hi]]");
  in.tools.push_back(ToolSpec{"Read", nullptr});
  in.tools.push_back(ToolSpec{"Bash", nullptr});
  const auto plan = plan_reply(in);
  ASSERT_TRUE(plan.tool_call);
  EXPECT_EQ(plan.tool_name, "Bash");
  EXPECT_EQ(plan.tool_input, R"({"command":"echo hi","description":"mock"})");
}

TEST(ReplyPlanTest, ToolChoiceForcesAndDisables) {
  auto in = basic_inputs("no trigger");
  in.tools.push_back(ToolSpec{"first", nullptr});
  in.tools.push_back(ToolSpec{"second", nullptr});
  in.force = ToolForce::Any;
  EXPECT_EQ(plan_reply(in).tool_name, "first");
  in.force = ToolForce::Named;
  in.forced_name = std::string("second");
  EXPECT_EQ(plan_reply(in).tool_name, "second");
  in.force = ToolForce::Disabled;
  in.triggers.tool = ToolTrigger::First;
  EXPECT_FALSE(plan_reply(in).tool_call);
}

TEST(ReplyPlanTest, ToolResultsAnswerAndThinkingTokens) {
  auto in = basic_inputs("");
  in.tool_results = std::string("42 | 43");
  in.thinking = true;
  const auto plan = plan_reply(in);
  EXPECT_EQ(plan.text, "tool said: 42 | 43");
  EXPECT_EQ(plan.thinking, "mock thinking about: ");
  EXPECT_EQ(plan.output_tokens, 5U + 10U);
}

TEST(ReplyPlanTest, SignatureIsDeterministicHex) {
  const auto a = signature_for("x");
  EXPECT_EQ(a, signature_for("x"));
  EXPECT_NE(a, signature_for("y"));
  EXPECT_EQ(a.size(), std::string("mock-sig-").size() + 16);
  EXPECT_TRUE(a.starts_with("mock-sig-"));
}

}  // namespace
}  // namespace heimdall::mock
