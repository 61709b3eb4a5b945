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

TEST(BodyPeekTest, SkipsNestedValuesWhateverTheyHold) {
  std::string body =
      " {\n \"messages\" : [ {\"content\": \"} ] { [ \\\\\", \"x\": {\"model\": \"inner\", "
      "\"stream\": true}}, [[], {}], -1.5e+3, null ] ,\t\"model\":\"outer\" , \"n\" : false } \n";
  auto peek = peek_body(body);
  ASSERT_TRUE(peek) << peek.error().message;
  EXPECT_EQ(peek->model, "outer");
  EXPECT_FALSE(peek->stream);  // the nested "stream": true is not the request's
  EXPECT_EQ(body.substr(peek->model_begin, peek->model_end - peek->model_begin), "\"outer\"");
}

TEST(BodyPeekTest, EscapedKeysAndTheLastDuplicateCount) {
  std::string body = R"({"mod\u0065l":"first","stream":true,"model":"second","stream":false})";
  auto peek = peek_body(body);
  ASSERT_TRUE(peek);
  EXPECT_EQ(peek->model, "second");
  EXPECT_FALSE(peek->stream);
  EXPECT_EQ(splice_model(body, *peek, "x"),
            R"({"mod\u0065l":"first","stream":true,"model":"x","stream":false})");
}

// The peek skips nested values without validating them (the provider does, in the caller's
// dialect), nor what follows the object; what it reads, the top level, must be whole.
TEST(BodyPeekTest, RejectsBrokenTopLevels) {
  for (std::string body : {"", "{", "{}x", R"({"a":1,})", R"({"a" 1})", R"({"a":[1,2})",
                           R"({"a":"unterminated})", R"({"a":"x\"})", R"({a:1})", "{\"a\":}"}) {
    EXPECT_FALSE(peek_body(body)) << body;
  }
  std::string empty = " { } ";
  EXPECT_TRUE(peek_body(empty));
}

// Escaped tokens are decoded by the thread's reused parser up to 4 KB, by a parser of their own
// beyond: both read the same.
TEST(BodyPeekTest, LongAndShortEscapedModelNamesDecode) {
  for (size_t size : {8, 4096, 70000}) {
    std::string body = R"({"mod\u0065l":")" + std::string(size, 'm') + R"(\u00e9","n":1})";
    auto peek = peek_body(body);
    ASSERT_TRUE(peek) << size;
    EXPECT_EQ(peek->model, std::string(size, 'm') + "\xC3\xA9") << size;
  }
}

TEST(BodyPeekTest, JsonQuoteEscapesControlCharacters) {
  EXPECT_EQ(json_quote("a\nb\x01"), "\"a\\nb\\u0001\"");
}

}  // namespace
}  // namespace heimdall::engine
