#include "anthropic_mock.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace heimdall::mock {
namespace {

namespace json = boost::json;

test::OwnedRequest messages_request(std::string body,
                                    HeaderFields headers = {{"x-api-key", "sk-test"}}) {
  return test::OwnedRequest{"POST", "/v1/messages", std::move(headers), std::move(body)};
}

std::string body_with_prompt(std::string_view prompt, std::string_view extra = "") {
  json::object body{{"model", "claude-test"}, {"max_tokens", 1000}};
  body["messages"] = json::array{json::object{{"role", "user"}, {"content", prompt}}};
  std::string out = json::serialize(body);
  if (!extra.empty()) {
    out.pop_back();
    out.append(",").append(extra).append("}");
  }
  return out;
}

std::string_view header(const MockResponse& r, std::string_view name) {
  return find_header(r.headers, name).value_or("");
}

TEST(AnthropicMockTest, JsonMessageShape) {
  const auto req = messages_request(body_with_prompt("hello"));
  const auto r = anthropic::messages(req.view(), "sk-test");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.stream);
  EXPECT_EQ(header(r, "content-type"), "application/json");
  EXPECT_TRUE(header(r, "request-id").starts_with("req_mock_"));
  const auto msg = test::parse_json(r.body).as_object();
  EXPECT_TRUE(msg.at("id").as_string().starts_with("msg_mock_"));
  EXPECT_EQ(msg.at("type"), "message");
  EXPECT_EQ(msg.at("role"), "assistant");
  EXPECT_EQ(msg.at("model"), "claude-test");
  EXPECT_EQ(msg.at("stop_reason"), "end_turn");
  EXPECT_TRUE(msg.at("stop_sequence").is_null());
  const auto& content = msg.at("content").as_array();
  ASSERT_EQ(content.size(), 1U);
  EXPECT_EQ(content[0].at("type"), "text");
  EXPECT_EQ(content[0].at("text"), "mock reply to: hello | model=claude-test | key=sk-test");
  const auto& usage = msg.at("usage").as_object();
  EXPECT_EQ(usage.at("input_tokens").to_number<uint64_t>(), (req.body.size() + 3) / 4);
  EXPECT_EQ(usage.at("output_tokens").to_number<uint64_t>(), 8U);
  EXPECT_EQ(usage.at("cache_read_input_tokens").to_number<uint64_t>(), 0U);
}

TEST(AnthropicMockTest, PromptFromTextBlocksOfLastUserMessage) {
  const std::string body = R"({"model":"m","max_tokens":50,"messages":[
      {"role":"user","content":"old"},{"role":"assistant","content":"x"},
      {"role":"user","content":[{"type":"text","text":"a"},{"type":"image","source":{}},{"type":"text","text":"b"}]}]})";
  const auto r = anthropic::messages(messages_request(body).view(), "k");
  const auto msg = test::parse_json(r.body);
  EXPECT_EQ(msg.at("content").at(0).at("text"), "mock reply to: a b | model=m | key=k");
}

TEST(AnthropicMockTest, CachedTokensSplitInputUsage) {
  const auto req = messages_request(body_with_prompt("hi [[cached:10]] [[cache_write:4]]"));
  const auto r = anthropic::messages(req.view(), "k");
  const auto usage = test::parse_json(r.body).at("usage").as_object();
  const uint64_t total = (req.body.size() + 3) / 4;
  EXPECT_EQ(usage.at("cache_read_input_tokens").to_number<uint64_t>(), 10U);
  EXPECT_EQ(usage.at("cache_creation_input_tokens").to_number<uint64_t>(), 4U);
  EXPECT_EQ(usage.at("cache_creation").at("ephemeral_5m_input_tokens").to_number<uint64_t>(), 4U);
  EXPECT_EQ(usage.at("input_tokens").to_number<uint64_t>(), total - 14);
}

TEST(AnthropicMockTest, StreamEventOrderAndIndices) {
  const auto schema = R"("tools":[{"name":"get_weather","input_schema":{"type":"object",
      "properties":{"city":{"type":"string"}},"required":["city"]}}],"thinking":{"type":"enabled","budget_tokens":1024},
      "stream":true)";
  const auto req = messages_request(body_with_prompt("weather [[tool]]", schema));
  const auto r = anthropic::messages(req.view(), "k");
  ASSERT_TRUE(r.stream);
  EXPECT_EQ(header(r, "content-type"), "text/event-stream; charset=utf-8");
  const auto events = test::parse_frames(r.frames);
  ASSERT_GE(events.size(), 4U);
  for (const auto& e : events) {
    ASSERT_TRUE(e.json.is_object()) << e.data;
    EXPECT_EQ(e.json.at("type").as_string(), e.event) << "event name must equal data.type";
  }
  EXPECT_EQ(events.front().event, "message_start");
  EXPECT_TRUE(events.front().json.at("message").at("stop_reason").is_null());
  EXPECT_EQ(events.back().event, "message_stop");
  EXPECT_EQ(events[events.size() - 2].event, "message_delta");

  // Blocks start in index order 0,1,2, each closed before the next opens, deltas only inside.
  std::vector<std::string> block_types;
  int open = -1;
  std::string thinking;
  std::string text;
  std::string partial_json;
  bool saw_signature = false;
  for (const auto& e : events) {
    if (e.event == "content_block_start") {
      ASSERT_EQ(open, -1);
      open = static_cast<int>(e.json.at("index").as_int64());
      ASSERT_EQ(static_cast<size_t>(open), block_types.size());
      block_types.emplace_back(e.json.at("content_block").at("type").as_string());
    } else if (e.event == "content_block_delta") {
      ASSERT_EQ(e.json.at("index").as_int64(), open);
      const auto& d = e.json.at("delta");
      const auto type = d.at("type").as_string();
      if (type == "thinking_delta") {
        EXPECT_FALSE(saw_signature);
        thinking += d.at("thinking").as_string();
      } else if (type == "signature_delta") {
        saw_signature = true;
        EXPECT_TRUE(d.at("signature").as_string().starts_with("mock-sig-"));
      } else if (type == "text_delta") {
        text += d.at("text").as_string();
      } else if (type == "input_json_delta") {
        partial_json += d.at("partial_json").as_string();
      } else {
        ADD_FAILURE() << "unexpected delta " << type;
      }
    } else if (e.event == "content_block_stop") {
      ASSERT_EQ(e.json.at("index").as_int64(), open);
      open = -1;
    }
  }
  EXPECT_EQ(open, -1);
  EXPECT_EQ(block_types, (std::vector<std::string>{"thinking", "text", "tool_use"}));
  EXPECT_TRUE(saw_signature);
  EXPECT_EQ(thinking, "mock thinking about: weather [[tool]]");
  EXPECT_EQ(text, "Calling get_weather.");
  EXPECT_EQ(partial_json, R"({"city":"mock"})");
  const auto& md = events[events.size() - 2].json;
  EXPECT_EQ(md.at("delta").at("stop_reason"), "tool_use");
  EXPECT_EQ(md.at("usage").at("output_tokens").to_number<uint64_t>(), 2U + 10U + 5U);
}

TEST(AnthropicMockTest, JsonToolUseAndThinkingBlocks) {
  const auto extra =
      R"("tools":[{"name":"Bash","input_schema":{"type":"object"}}],"thinking":{"type":"adaptive"})";
  const auto r =
      anthropic::messages(messages_request(body_with_prompt("[[bash:ls]]", extra)).view(), "k");
  const auto msg = test::parse_json(r.body);
  const auto& content = msg.at("content").as_array();
  ASSERT_EQ(content.size(), 3U);
  EXPECT_EQ(content[0].at("type"), "thinking");
  EXPECT_TRUE(content[0].at("signature").as_string().starts_with("mock-sig-"));
  EXPECT_EQ(content[1].at("text"), "Calling Bash.");
  EXPECT_EQ(content[2].at("type"), "tool_use");
  EXPECT_TRUE(content[2].at("id").as_string().starts_with("toolu_mock_"));
  EXPECT_EQ(content[2].at("input").at("command"), "ls");
  EXPECT_EQ(msg.at("stop_reason"), "tool_use");
}

TEST(AnthropicMockTest, ToolResultReply) {
  const std::string body = R"({"model":"m","max_tokens":50,"messages":[
      {"role":"user","content":"[[tool]]"},
      {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"x","input":{}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"42"},
                                {"type":"tool_result","tool_use_id":"t2","content":[{"type":"text","text":"ok"}]}]}],
      "tools":[{"name":"x","input_schema":{"type":"object"}}]})";
  const auto msg = test::parse_json(anthropic::messages(messages_request(body).view(), "k").body);
  EXPECT_EQ(msg.at("content").at(0).at("text"), "tool said: 42 | ok");
  EXPECT_EQ(msg.at("stop_reason"), "end_turn");
}

TEST(AnthropicMockTest, StopSequenceAndMaxTokens) {
  auto r = anthropic::messages(
      messages_request(body_with_prompt("abc XYZ def", R"("stop_sequences":["XYZ"])")).view(), "k");
  auto msg = test::parse_json(r.body);
  EXPECT_EQ(msg.at("content").at(0).at("text"), "mock reply to: abc ");
  EXPECT_EQ(msg.at("stop_reason"), "stop_sequence");
  EXPECT_EQ(msg.at("stop_sequence"), "XYZ");

  const std::string body =
      R"({"model":"m","max_tokens":2,"messages":[{"role":"user","content":"x"}]})";
  msg = test::parse_json(anthropic::messages(messages_request(body).view(), "k").body);
  EXPECT_EQ(msg.at("content").at(0).at("text"), "mock reply");
  EXPECT_EQ(msg.at("stop_reason"), "max_tokens");
  EXPECT_EQ(msg.at("usage").at("output_tokens").to_number<int>(), 2);
}

TEST(AnthropicMockTest, DeltasTriggerGivesExactCount) {
  const auto r = anthropic::messages(
      messages_request(body_with_prompt("x [[deltas:3]]", R"("stream":true)")).view(), "k");
  size_t text_deltas = 0;
  std::string text;
  for (const auto& e : test::parse_frames(r.frames)) {
    if (e.event == "content_block_delta") {
      ++text_deltas;
      text += e.json.at("delta").at("text").as_string();
    }
  }
  EXPECT_EQ(text_deltas, 3U);
  EXPECT_EQ(text, "mock reply to: x [[deltas:3]] | model=claude-test | key=k");
}

TEST(AnthropicMockTest, WordDeltasByDefault) {
  const auto r = anthropic::messages(
      messages_request(body_with_prompt("a b", R"("stream":true)")).view(), "k");
  std::vector<std::string> pieces;
  for (const auto& e : test::parse_frames(r.frames)) {
    if (e.event == "content_block_delta") {
      pieces.emplace_back(e.json.at("delta").at("text").as_string());
    }
  }
  EXPECT_EQ(pieces, (std::vector<std::string>{"mock ", "reply ", "to: ", "a ", "b ", "| ",
                                              "model=claude-test ", "| ", "key=k"}));
}

TEST(AnthropicMockTest, ErrorBodiesPerStatus) {
  const std::pair<int, std::string_view> cases[] = {{400, "invalid_request_error"},
                                                    {401, "authentication_error"},
                                                    {402, "billing_error"},
                                                    {403, "permission_error"},
                                                    {404, "not_found_error"},
                                                    {413, "request_too_large"},
                                                    {429, "rate_limit_error"},
                                                    {500, "api_error"},
                                                    {503, "api_error"},
                                                    {504, "timeout_error"},
                                                    {529, "overloaded_error"}};
  for (const auto& [status, type] : cases) {
    const auto req =
        messages_request(body_with_prompt("[[status:" + std::to_string(status) + "]]"));
    const auto r = anthropic::messages(req.view(), "k");
    EXPECT_EQ(r.status, status);
    const auto body = test::parse_json(r.body);
    EXPECT_EQ(body.at("type"), "error");
    EXPECT_EQ(body.at("error").at("type").as_string(), type) << status;
    EXPECT_TRUE(body.at("request_id").as_string().starts_with("req_mock_"));
    EXPECT_EQ(body.at("request_id").as_string(), header(r, "request-id"));
    EXPECT_EQ(find_header(r.headers, "retry-after").has_value(), status == 429) << status;
  }
  const auto r = anthropic::messages(
      messages_request(body_with_prompt("[[status:529]] [[retry-after:5]]")).view(), "k");
  EXPECT_EQ(header(r, "retry-after"), "5");
  const auto h = anthropic::messages(
      messages_request(body_with_prompt("x"), {{"x-api-key", "k"}, {"x-mock-status", "429"}})
          .view(),
      "k");
  EXPECT_EQ(h.status, 429);
  EXPECT_EQ(header(h, "retry-after"), "2");
}

TEST(AnthropicMockTest, BadRequestBodies) {
  EXPECT_EQ(anthropic::messages(messages_request("not json").view(), "k").status, 400);
  EXPECT_EQ(
      anthropic::messages(messages_request(R"({"model":"m","messages":[]})").view(), "k").status,
      400);
  EXPECT_EQ(
      anthropic::messages(messages_request(R"({"max_tokens":1,"messages":[]})").view(), "k").status,
      400);
}

TEST(AnthropicMockTest, MidStreamFailures) {
  auto reset = anthropic::messages(
      messages_request(body_with_prompt("[[reset-mid-stream]]", R"("stream":true)")).view(), "k");
  ASSERT_TRUE(reset.reset_after_frames);
  EXPECT_EQ(*reset.reset_after_frames, 4U);
  EXPECT_LT(*reset.reset_after_frames, reset.frames.size());

  auto err = anthropic::messages(
      messages_request(body_with_prompt("[[error-mid-stream]]", R"("stream":true)")).view(), "k");
  const auto events = test::parse_frames(err.frames);
  ASSERT_EQ(events.size(), 5U);
  EXPECT_EQ(events.back().event, "error");
  EXPECT_EQ(events.back().json.at("error").at("type"), "overloaded_error");

  auto before =
      anthropic::messages(messages_request(body_with_prompt("x [[delay:30]] [[event-delay:5]]"),
                                           {{"x-mock-reset", "before"}})
                              .view(),
                          "k");
  EXPECT_TRUE(before.reset_before);
  EXPECT_EQ(before.delay.count(), 30);
  EXPECT_EQ(before.event_delay->count(), 5);
}

TEST(AnthropicMockTest, CountTokensAndModels) {
  const std::string body = R"({"model":"m","messages":[{"role":"user","content":"hello"}]})";
  const auto r = anthropic::count_tokens(
      test::OwnedRequest{"POST", "/v1/messages/count_tokens", {}, body}.view());
  EXPECT_EQ(test::parse_json(r.body).at("input_tokens").to_number<uint64_t>(),
            (body.size() + 3) / 4);

  const auto list = test::parse_json(anthropic::models("").body);
  EXPECT_EQ(list.at("data").as_array().size(), 3U);
  EXPECT_EQ(list.at("has_more"), false);
  EXPECT_EQ(list.at("first_id"), list.at("data").at(0).at("id"));
  EXPECT_EQ(list.at("data").at(0).at("type"), "model");
  const auto one = test::parse_json(anthropic::models("claude-x").body);
  EXPECT_EQ(one.at("id"), "claude-x");
}

}  // namespace
}  // namespace heimdall::mock
