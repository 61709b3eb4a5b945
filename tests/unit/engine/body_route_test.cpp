#include "engine/body_route.hpp"

#include "engine/test_runtime.hpp"

#include "dialects/codec.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace heimdall::engine {
namespace {

using schema::Dialect;

using test::make_runtime;

std::string default_provider(Dialect caller) {
  return caller == Dialect::Anthropic ? "anthropic" : "openai";
}

// route_generate must answer every body as before: the full peek's route or error, and for a
// route to the other dialect the caller codec's decoding of the body or its error.
void expect_same_as_before(const Runtime& runtime, Dialect caller, const std::string& body) {
  std::string peeked_body = body, generate_body = body;
  auto peeked = route_peeked(runtime, peeked_body, default_provider(caller));
  auto routed = route_generate(runtime, caller, generate_body, default_provider(caller));
  std::optional<schema::Error> expected_error;
  if (!peeked) {
    expected_error = peeked.error();
  } else if (peeked->route.provider->dialect() != caller) {
    auto decoded = dialects::codec_for(caller).decode_request(body);
    if (!decoded) expected_error = decoded.error();
  }
  ASSERT_EQ(!expected_error, bool(routed)) << body;
  if (expected_error) {
    EXPECT_EQ(routed.error().code, expected_error->code) << body;
    EXPECT_EQ(routed.error().message, expected_error->message) << body;
    return;
  }
  EXPECT_EQ(routed->route.provider, peeked->route.provider) << body;
  EXPECT_EQ(routed->route.model, peeked->route.model) << body;
  EXPECT_EQ(routed->decoded.has_value(), routed->route.provider->dialect() != caller) << body;
  if (!routed->decoded) {
    EXPECT_EQ(routed->peek.model, peeked->peek.model) << body;
    EXPECT_EQ(routed->peek.model_begin, peeked->peek.model_begin) << body;
    EXPECT_EQ(routed->peek.stream, peeked->peek.stream) << body;
  } else {
    EXPECT_EQ(routed->decoded->model, peeked->peek.model) << body;
  }
}

// Routes `body` for an Anthropic caller and returns "provider:model", or the error message.
std::string route_of(const Runtime& runtime, std::string body) {
  expect_same_as_before(runtime, Dialect::Anthropic, body);
  auto routed = route_generate(runtime, Dialect::Anthropic, body, "anthropic");
  if (!routed) return "error: " + routed.error().message;
  return routed->route.provider->name() + ":" + routed->route.model;
}

constexpr std::string_view kMessages =
    R"("max_tokens":16,"messages":[{"role":"user","content":"say \"model\""}])";

TEST(BodyRouteTest, LeadingModelReadsOnlyAnUnescapedFirstModel) {
  EXPECT_EQ(leading_model(R"({"model":"openai/gpt-4o","stream":true})"), "openai/gpt-4o");
  EXPECT_EQ(leading_model(" \r\n{\t\"model\" :  \"m\" }"), "m");
  EXPECT_EQ(leading_model(R"({"model":""})"), "");
  EXPECT_FALSE(leading_model(R"({"stream":true,"model":"m"})"));
  EXPECT_FALSE(leading_model(R"({"model":"a\"b"})"));
  EXPECT_FALSE(leading_model(R"({"mod\u0065l":"m"})"));
  EXPECT_FALSE(leading_model(R"({"model":7})"));
  EXPECT_EQ(leading_model("{\"model\":\"a\tb\"}"), "a\tb");  // invalid JSON: the full parse says so
  EXPECT_FALSE(leading_model(R"({"model":"unterminated)"));
  EXPECT_FALSE(leading_model(R"({"models":"m"})"));
  EXPECT_FALSE(leading_model(""));
}

TEST(BodyRouteTest, TranslatedRoutesComeDecoded) {
  auto runtime = make_runtime();
  std::string body = R"({"model":"openai/gpt-4o",)" + std::string(kMessages) + "}";
  auto routed = route_generate(runtime, Dialect::Anthropic, body, "anthropic");
  ASSERT_TRUE(routed);
  EXPECT_EQ(routed->route.provider->name(), "openai");
  EXPECT_EQ(routed->route.model, "gpt-4o");
  ASSERT_TRUE(routed->decoded);
  EXPECT_EQ(routed->decoded->model, "openai/gpt-4o");
  EXPECT_EQ(routed->decoded->max_tokens, 16u);
}

TEST(BodyRouteTest, SameDialectRoutesComePeekedForTheFastPath) {
  auto runtime = make_runtime();
  std::string body = R"({"model":"claude-x","stream":true,)" + std::string(kMessages) + "}";
  auto routed = route_generate(runtime, Dialect::Anthropic, body, "anthropic");
  ASSERT_TRUE(routed);
  EXPECT_EQ(routed->route.provider->name(), "anthropic");
  EXPECT_FALSE(routed->decoded);
  EXPECT_EQ(routed->peek.model, "claude-x");
  EXPECT_EQ(
      body.substr(routed->peek.model_begin, routed->peek.model_end - routed->peek.model_begin),
      "\"claude-x\"");
  EXPECT_TRUE(routed->peek.stream);
}

TEST(BodyRouteTest, ModelNotFirst) {
  auto runtime = make_runtime();
  EXPECT_EQ(route_of(runtime, "{" + std::string(kMessages) + R"(,"model":"openai/gpt-4o"})"),
            "openai:gpt-4o");
  EXPECT_EQ(route_of(runtime, "{" + std::string(kMessages) + R"(,"model":"claude-x"})"),
            "anthropic:claude-x");
}

TEST(BodyRouteTest, DuplicatedModelTheLastWins) {
  auto runtime = make_runtime();
  const std::string rest = std::string(kMessages);
  EXPECT_EQ(route_of(runtime, R"({"model":"openai/a",)" + rest + R"(,"model":"claude-x"})"),
            "anthropic:claude-x");
  EXPECT_EQ(route_of(runtime, R"({"model":"openai/a",)" + rest + R"(,"model":"openai/b"})"),
            "openai:b");
  EXPECT_EQ(route_of(runtime, R"({"model":"claude-x",)" + rest + R"(,"model":"openai/b"})"),
            "openai:b");
  EXPECT_EQ(route_of(runtime, R"({"model":"openai/a",)" + rest + R"(,"model":7})"),
            "error: model: Input should be a valid string");
}

TEST(BodyRouteTest, EscapedKeysCount) {
  auto runtime = make_runtime();
  const std::string rest = std::string(kMessages);
  EXPECT_EQ(route_of(runtime, R"({"model":"openai/a",)" + rest + R"(,"mod\u0065l":"claude-x"})"),
            "anthropic:claude-x");
  EXPECT_EQ(route_of(runtime, R"({"\u006dodel":"openai/a",)" + rest + "}"), "openai:a");
  EXPECT_EQ(route_of(runtime, R"({"model":"openai\/a",)" + rest + "}"), "openai:a");
}

TEST(BodyRouteTest, InvalidJsonAfterAValidPrefixIsRejectedAsBefore) {
  auto runtime = make_runtime();
  const std::string rest = std::string(kMessages);
  for (const std::string& body :
       {R"({"model":"openai/gpt-4o",)" + rest, R"({"model":"openai/gpt-4o",)" + rest + ",}",
        R"({"model":"openai/gpt-4o",)" + rest + "} trailing",
        std::string(R"({"model":"openai/gpt-4o")")}) {
    EXPECT_EQ(route_of(runtime, body).rfind("error: invalid JSON body", 0), 0u) << body;
  }
}

TEST(BodyRouteTest, CodecErrorsAndRouteErrorsAreAnsweredAsBefore) {
  auto runtime = make_runtime();
  for (Dialect caller : {Dialect::Anthropic, Dialect::OpenAiChat}) {
    for (
        const std::string& body : {
            std::string(R"({"model":"openai/gpt-4o","max_tokens":0,"messages":[]})"),
            std::string(R"({"model":"anthropic/claude-x","messages":"no"})"),
            std::string(R"({"model":"openai/","messages":[]})"),
            std::string(R"({"model":"","messages":[]})"),
            std::string(R"({"messages":[]})"),
            std::string("{\"model\":\"openai/gpt\t4o\",\"max_tokens\":5,\"messages\":[]}"),
            std::string("{\"model\":\"claude\tx\",\"max_tokens\":5,\"messages\":[]}"),
            std::string(R"([1,2])"),
            std::string(R"({"model":"openai/gpt-4o","messages":[{"role":"user","content":"hi"}]})"),
            std::string(
                R"({"model":"anthropic/claude-x","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})"),
        }) {
      expect_same_as_before(runtime, caller, body);
    }
  }
}

}  // namespace
}  // namespace heimdall::engine
