// ParserLoan's retention policy, seen through the two parsers that use it.
#include "engine/thread_parser.hpp"

#include "engine/body_peek.hpp"
#include "engine/usage_observer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace heimdall::engine {
namespace {

// A request body of about `size` bytes, most of it one message.
std::string body_of(size_t size) {
  return R"({"model":"m","messages":[{"role":"user","content":")" + std::string(size, 'x') +
         R"("}]})";
}

// A response body of about `size` bytes with usage.
std::string response_of(size_t size) {
  return R"({"choices":[{"message":{"content":")" + std::string(size, 'x') +
         R"("}}],"usage":{"prompt_tokens":3,"completion_tokens":5}})";
}

TEST(ParserLoanTest, NormalBodiesKeepThePeekParsersCapacity) {
  std::string body = body_of(50 * 1024);
  ASSERT_TRUE(peek_body(body));
  EXPECT_GE(peek_parser_capacity_for_test(), body.size());  // the next body reuses it
  std::string small = body_of(2 * 1024);
  ASSERT_TRUE(peek_body(small));
  EXPECT_GE(peek_parser_capacity_for_test(), body.size());
}

TEST(ParserLoanTest, AnOversizedBodyDropsThePeekParsersCapacity) {
  std::string body = body_of(1 << 20);
  ASSERT_TRUE(peek_body(body));
  EXPECT_LE(peek_parser_capacity_for_test(), kKeptParserCapacity);
  std::string small = body_of(2 * 1024);
  ASSERT_TRUE(peek_body(small));
  EXPECT_GE(peek_parser_capacity_for_test(), small.size());
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
