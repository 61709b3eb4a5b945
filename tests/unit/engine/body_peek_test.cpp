#include "engine/body_peek.hpp"

#include <gtest/gtest.h>

namespace heimdall::engine {
namespace {

TEST(BodyPeekTest, ReadsModelAndStreamAndSplicesOnlyTheModel) {
  std::string body =
      R"({"messages":[{"role":"user","content":"model \"x\""}],"model" : "openai/gpt-4o-mini","stream":true,"temperature":0.7})";
  auto peek = peek_body(body);
  ASSERT_TRUE(peek);
  EXPECT_TRUE(peek->has_model);
  EXPECT_EQ(peek->model, "openai/gpt-4o-mini");
  EXPECT_TRUE(peek->stream);
  EXPECT_EQ(
      splice_model(body, *peek, "gpt-4o-mini"),
      R"({"messages":[{"role":"user","content":"model \"x\""}],"model" : "gpt-4o-mini","stream":true,"temperature":0.7})");
}

TEST(BodyPeekTest, EscapedModelNamesRoundTrip) {
  std::string body = R"({"model":"a\"b\\c","max_tokens":1})";
  auto peek = peek_body(body);
  ASSERT_TRUE(peek);
  EXPECT_EQ(peek->model, "a\"b\\c");
  EXPECT_EQ(splice_model(body, *peek, "new\"name"), R"({"model":"new\"name","max_tokens":1})");
}

TEST(BodyPeekTest, RejectsNonObjectsAndWrongTypes) {
  std::string array = "[1,2]";
  EXPECT_FALSE(peek_body(array));
  std::string garbage = "{\"model\":";
  EXPECT_FALSE(peek_body(garbage));
  std::string number_model = R"({"model":5})";
  auto peek = peek_body(number_model);
  ASSERT_FALSE(peek);
  EXPECT_NE(peek.error().message.find("model"), std::string::npos);
  std::string no_model = R"({"stream":false})";
  auto missing = peek_body(no_model);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_model);
  EXPECT_FALSE(missing->stream);
}

TEST(BodyPeekTest, JsonQuoteEscapesControlCharacters) {
  EXPECT_EQ(json_quote("a\nb\x01"), "\"a\\nb\\u0001\"");
}

}  // namespace
}  // namespace heimdall::engine
