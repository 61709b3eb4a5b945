#include "openai_mock.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace heimdall::mock {
namespace {

namespace json = boost::json;

test::OwnedRequest chat_request(std::string body,
                                HeaderFields headers = {{"authorization", "Bearer sk-oa"}}) {
  return test::OwnedRequest{"POST", "/v1/chat/completions", std::move(headers), std::move(body)};
}

std::string body_with_prompt(std::string_view prompt, std::string_view extra = "") {
  json::object body{{"model", "gpt-test"}};
  body["messages"] = json::array{json::object{{"role", "system"}, {"content", "sys"}},
                                 json::object{{"role", "user"}, {"content", prompt}}};
  std::string out = json::serialize(body);
  if (!extra.empty()) {
    out.pop_back();
    out.append(",").append(extra).append("}");
  }
  return out;
}

constexpr std::string_view kWeatherTool =
    R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
    "properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city","days"]}}}])";

TEST(OpenAiMockTest, CompletionShape) {
  const auto req = chat_request(body_with_prompt("hello"));
  const auto r = openai::chat_completions(req.view(), "sk-oa");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(find_header(r.headers, "x-request-id")->starts_with("req_mock_"));
  const auto c = test::parse_json(r.body).as_object();
  EXPECT_TRUE(c.at("id").as_string().starts_with("chatcmpl-mock-"));
  EXPECT_EQ(c.at("object"), "chat.completion");
  EXPECT_EQ(c.at("model"), "gpt-test");
  const auto& choice = c.at("choices").at(0);
  EXPECT_EQ(choice.at("index").as_int64(), 0);
  EXPECT_EQ(choice.at("finish_reason"), "stop");
  EXPECT_EQ(choice.at("message").at("role"), "assistant");
  EXPECT_EQ(choice.at("message").at("content"),
            "mock reply to: hello | model=gpt-test | key=sk-oa");
  const auto& usage = c.at("usage");
  const uint64_t prompt = (req.body.size() + 3) / 4;
  EXPECT_EQ(usage.at("prompt_tokens").to_number<uint64_t>(), prompt);
  EXPECT_EQ(usage.at("completion_tokens").to_number<uint64_t>(), 8U);
  EXPECT_EQ(usage.at("total_tokens").to_number<uint64_t>(), prompt + 8);
}

TEST(OpenAiMockTest, CachedTokensIncludedInPromptTokens) {
  const auto req = chat_request(body_with_prompt("hi [[cached:12]]"));
  const auto usage = test::parse_json(openai::chat_completions(req.view(), "k").body).at("usage");
  EXPECT_EQ(usage.at("prompt_tokens").to_number<uint64_t>(), (req.body.size() + 3) / 4);
  EXPECT_EQ(usage.at("prompt_tokens_details").at("cached_tokens").to_number<uint64_t>(), 12U);
}

TEST(OpenAiMockTest, ToolCallJson) {
  const auto r = openai::chat_completions(
      chat_request(body_with_prompt("[[tool:get_weather]]", kWeatherTool)).view(), "k");
  const auto choice = test::parse_json(r.body).at("choices").at(0);
  EXPECT_EQ(choice.at("finish_reason"), "tool_calls");
  EXPECT_EQ(choice.at("message").at("content"), "Calling get_weather.");
  const auto& call = choice.at("message").at("tool_calls").at(0);
  EXPECT_TRUE(call.at("id").as_string().starts_with("call_mock_"));
  EXPECT_EQ(call.at("type"), "function");
  EXPECT_EQ(call.at("function").at("name"), "get_weather");
  EXPECT_EQ(call.at("function").at("arguments"), R"({"city":"mock","days":1})");
}

TEST(OpenAiMockTest, RequiredToolChoiceForcesCall) {
  const std::string extra = std::string(kWeatherTool) + R"(,"tool_choice":"required")";
  const auto r =
      openai::chat_completions(chat_request(body_with_prompt("plain", extra)).view(), "k");
  EXPECT_EQ(test::parse_json(r.body).at("choices").at(0).at("finish_reason"), "tool_calls");
}

TEST(OpenAiMockTest, StreamChunksWithToolCallAndUsage) {
  const std::string extra =
      std::string(kWeatherTool) +
      R"(,"stream":true,"stream_options":{"include_usage":true},"reasoning_effort":"low")";
  const auto r =
      openai::chat_completions(chat_request(body_with_prompt("[[tool]]", extra)).view(), "k");
  ASSERT_TRUE(r.stream);
  const auto events = test::parse_frames(r.frames);
  ASSERT_GE(events.size(), 5U);
  EXPECT_EQ(r.frames.back(), "data: [DONE]\n\n");
  std::string reasoning;
  std::string content;
  std::string args;
  std::string finish;
  bool saw_usage = false;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    const auto& e = events[i];
    EXPECT_TRUE(e.event.empty());
    ASSERT_TRUE(e.json.is_object()) << e.data;
    const auto& chunk = e.json.as_object();
    EXPECT_EQ(chunk.at("object"), "chat.completion.chunk");
    ASSERT_TRUE(chunk.contains("usage"));
    const auto& choices = chunk.at("choices").as_array();
    if (choices.empty()) {
      EXPECT_EQ(i, events.size() - 2) << "usage chunk comes last";
      saw_usage = true;
      EXPECT_EQ(
          chunk.at("usage").at("completion_tokens_details").at("reasoning_tokens").to_number<int>(),
          10);
      continue;
    }
    EXPECT_TRUE(chunk.at("usage").is_null());
    const auto& delta = choices[0].at("delta").as_object();
    if (i == 0) {
      EXPECT_EQ(delta.at("role"), "assistant");
    } else {
      EXPECT_FALSE(delta.contains("role"));
    }
    if (const auto* rc = delta.if_contains("reasoning_content")) {
      reasoning += rc->as_string();
    }
    if (const auto* c = delta.if_contains("content")) {
      content += c->as_string();
    }
    if (const auto* tc = delta.if_contains("tool_calls")) {
      const auto& call = tc->at(0).as_object();
      EXPECT_EQ(call.at("index").as_int64(), 0);
      if (args.empty() && call.contains("id")) {
        EXPECT_TRUE(call.at("id").as_string().starts_with("call_mock_"));
        EXPECT_EQ(call.at("type"), "function");
        EXPECT_EQ(call.at("function").at("name"), "get_weather");
      }
      args += call.at("function").at("arguments").as_string();
    }
    if (!choices[0].at("finish_reason").is_null()) {
      finish = choices[0].at("finish_reason").as_string();
    }
  }
  EXPECT_TRUE(saw_usage);
  EXPECT_EQ(reasoning, "mock thinking about: [[tool]]");
  EXPECT_EQ(content, "Calling get_weather.");
  EXPECT_EQ(args, R"({"city":"mock","days":1})");
  EXPECT_EQ(finish, "tool_calls");
}

TEST(OpenAiMockTest, StreamWithoutIncludeUsageHasNoUsage) {
  const auto r = openai::chat_completions(
      chat_request(body_with_prompt("x [[deltas:4]]", R"("stream":true)")).view(), "k");
  const auto events = test::parse_frames(r.frames);
  size_t content_chunks = 0;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    const auto& chunk = events[i].json.as_object();
    EXPECT_FALSE(chunk.contains("usage"));
    EXPECT_FALSE(chunk.at("choices").as_array().empty());
    const auto& delta = chunk.at("choices").at(0).at("delta").as_object();
    if (i > 0 && delta.contains("content")) {
      ++content_chunks;
    }
  }
  EXPECT_EQ(content_chunks, 4U);
  EXPECT_EQ(events.back().data, "[DONE]");
  EXPECT_EQ(events[events.size() - 2].json.at("choices").at(0).at("finish_reason"), "stop");
}

TEST(OpenAiMockTest, ToolMessagesAnswer) {
  const std::string body = R"({"model":"m","tools":[{"type":"function","function":{"name":"f"}}],
      "messages":[{"role":"user","content":"[[tool]]"},
      {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"c1","content":"sunny"},{"role":"tool","tool_call_id":"c2","content":[{"type":"text","text":"20C"}]}]})";
  const auto c = test::parse_json(openai::chat_completions(chat_request(body).view(), "k").body);
  EXPECT_EQ(c.at("choices").at(0).at("message").at("content"), "tool said: sunny | 20C");
  EXPECT_EQ(c.at("choices").at(0).at("finish_reason"), "stop");
}

TEST(OpenAiMockTest, StopAndLength) {
  auto c = test::parse_json(
      openai::chat_completions(
          chat_request(body_with_prompt("a STOP b", R"("stop":"STOP")")).view(), "k")
          .body);
  EXPECT_EQ(c.at("choices").at(0).at("message").at("content"), "mock reply to: a ");
  EXPECT_EQ(c.at("choices").at(0).at("finish_reason"), "stop");
  c = test::parse_json(
      openai::chat_completions(
          chat_request(body_with_prompt("a b", R"("max_completion_tokens":3)")).view(), "k")
          .body);
  EXPECT_EQ(c.at("choices").at(0).at("message").at("content"), "mock reply to:");
  EXPECT_EQ(c.at("choices").at(0).at("finish_reason"), "length");
}

TEST(OpenAiMockTest, ErrorBodiesPerStatus) {
  const std::tuple<int, std::string_view, std::string_view> cases[] = {
      {400, "invalid_request_error", ""}, {401, "invalid_request_error", "invalid_api_key"},
      {403, "permission_error", ""},      {429, "requests", "rate_limit_exceeded"},
      {500, "server_error", ""},          {503, "server_error", ""}};
  for (const auto& [status, type, code] : cases) {
    const auto r = openai::chat_completions(
        chat_request(body_with_prompt("[[status:" + std::to_string(status) + "]]")).view(), "k");
    EXPECT_EQ(r.status, status);
    const auto err = test::parse_json(r.body).at("error");
    EXPECT_TRUE(err.at("message").is_string());
    EXPECT_EQ(err.at("type").as_string(), type) << status;
    EXPECT_TRUE(err.at("param").is_null());
    if (code.empty()) {
      EXPECT_TRUE(err.at("code").is_null()) << status;
    } else {
      EXPECT_EQ(err.at("code").as_string(), code);
    }
    EXPECT_EQ(find_header(r.headers, "retry-after").has_value(), status == 429);
  }
  const auto r = openai::chat_completions(
      chat_request(
          body_with_prompt("x"),
          {{"authorization", "Bearer k"}, {"x-mock-status", "503"}, {"x-mock-retry-after", "4"}})
          .view(),
      "k");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(find_header(r.headers, "retry-after"), "4");
}

TEST(OpenAiMockTest, MidStreamError) {
  const auto r = openai::chat_completions(
      chat_request(body_with_prompt("[[error-mid-stream]]", R"("stream":true)")).view(), "k");
  const auto events = test::parse_frames(r.frames);
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events.back().json.at("error").at("type"), "server_error");
  EXPECT_NE(r.frames.back(), "data: [DONE]\n\n");
}

TEST(OpenAiMockTest, Models) {
  const auto list = test::parse_json(openai::models("").body);
  EXPECT_EQ(list.at("object"), "list");
  EXPECT_EQ(list.at("data").at(0).at("object"), "model");
  EXPECT_EQ(test::parse_json(openai::models("gpt-x").body).at("id"), "gpt-x");
}

}  // namespace
}  // namespace heimdall::mock
