#include "engine/token_estimate.hpp"

#include <gtest/gtest.h>

namespace heimdall::engine {
namespace {

TEST(TokenEstimateTest, CountsTextSystemToolsAndMessages) {
  // 40 bytes of text → 10 tokens, 2 messages → 6, total 16.
  auto tokens = estimate_input_tokens(R"({"model":"m","system":"0123456789abcdefghij",
      "messages":[{"role":"user","content":"0123456789"},
                  {"role":"assistant","content":[{"type":"text","text":"0123456789"}]}]})");
  ASSERT_TRUE(tokens);
  EXPECT_EQ(*tokens, 16u);
}

TEST(TokenEstimateTest, ImagesCountAsAFixedBudgetNotTheirBase64Size) {
  std::string data(400000, 'A');
  auto tokens = estimate_input_tokens(
      R"({"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":")" +
      data + R"("}}]}]})");
  ASSERT_TRUE(tokens);
  EXPECT_EQ(*tokens, 1603u);
}

TEST(TokenEstimateTest, NeverZeroAndRejectsBadBodies) {
  auto tokens = estimate_input_tokens(R"({"messages":[]})");
  ASSERT_TRUE(tokens);
  EXPECT_EQ(*tokens, 1u);
  EXPECT_FALSE(estimate_input_tokens("nope"));
  EXPECT_FALSE(estimate_input_tokens(R"({"model":"m"})"));
}

TEST(TokenEstimateTest, ToolResultsAndToolUseInputsCount) {
  auto tokens = estimate_input_tokens(R"({"messages":[
      {"role":"assistant","content":[{"type":"tool_use","id":"t","name":"abcd","input":{"k":"12345678"}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"12345678"}]}]})");
  ASSERT_TRUE(tokens);
  // name 4 + input {"k":"12345678"} 16 + result 8 = 28 bytes → 7, + 6 for two messages.
  EXPECT_EQ(*tokens, 13u);
}

}  // namespace
}  // namespace heimdall::engine
