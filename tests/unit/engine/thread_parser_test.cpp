// ParserLoan's retention policy, seen through the usage observer's parser.
#include "engine/thread_parser.hpp"

#include "engine/usage_observer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace heimdall::engine {
namespace {

// A response body of about `size` bytes with usage.
std::string response_of(size_t size) {
  return R"({"choices":[{"message":{"content":")" + std::string(size, 'x') +
         R"("}}],"usage":{"prompt_tokens":3,"completion_tokens":5}})";
}

TEST(ParserLoanTest, UsageParserKeepsNormalAndDropsOversizedCapacity) {
  UsageObserver usage(schema::Dialect::OpenAiChat);
  std::string normal = response_of(50 * 1024);
  usage.observe_body(normal);
  EXPECT_EQ(usage.usage().output_tokens, 5u);
  EXPECT_GE(UsageObserver::parser_capacity_for_test(), normal.size());
  std::string large = response_of(1 << 20);
  usage.observe_body(large);
  EXPECT_EQ(usage.usage().output_tokens, 5u);
  EXPECT_LE(UsageObserver::parser_capacity_for_test(), kKeptParserCapacity);
}

}  // namespace
}  // namespace heimdall::engine
