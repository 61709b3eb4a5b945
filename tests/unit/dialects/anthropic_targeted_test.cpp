// Anthropic Messages codec behaviour: validation messages, translation rules for requests from
// other dialects, the error table (anthropic.md §5.2), stream rules (§4.2/§4.3), garbage input.
#include "dialects/anthropic.hpp"

#include "anthropic_test_support.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <random>
#include <string>
#include <vector>

namespace heimdall::dialects {
namespace {

using namespace anthropic_test;  // NOLINT: test-local helpers
using schema::BlockType;
using schema::ErrorCode;
using schema::SseEvent;
using schema::StreamEvent;
using schema::StreamEventType;

// --- request validation (anthropic.md §2, §8.7 #88-#89) ---

std::string decode_error_message(std::string_view body) {
  auto r = anthropic_codec().decode_request(body);
  if (r.has_value()) {
    return "<decoded>";
  }
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
  return r.error().message;
}

TEST(AnthropicRequestValidation, NamesTheFieldLikeAnthropic) {
  struct Case {
    const char* body;
    const char* message;
  };
  const Case cases[] = {
      {R"({"model":"m","messages":[]})", "max_tokens: Field required"},
      {R"({"model":"m","max_tokens":10})", "messages: Field required"},
      {R"({"max_tokens":10,"messages":[]})", "model: Field required"},
      {R"({"model":7,"max_tokens":10,"messages":[]})", "model: Input should be a valid string"},
      {R"({"model":"m","max_tokens":"10","messages":[]})",
       "max_tokens: Input should be a valid integer"},
      {R"({"model":"m","max_tokens":1.5,"messages":[]})",
       "max_tokens: Input should be a valid integer"},
      {R"({"model":"m","max_tokens":0,"messages":[]})",
       "max_tokens: Input should be greater than or equal to 1"},
      {R"({"model":"m","max_tokens":-3,"messages":[]})",
       "max_tokens: Input should be greater than or equal to 1"},
      {R"({"model":"m","max_tokens":10,"messages":{}})", "messages: Input should be a valid list"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":5}]})",
       "messages.0.content: Input should be a valid list"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"user"}]})",
       "messages.0.content: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[{"content":"x"}]})",
       "messages.0.role: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"system","content":"x"}]})",
       "messages.0.role: Input should be 'user' or 'assistant'"},
      {R"({"model":"m","max_tokens":10,"messages":["hi"]})",
       "messages.0: Input should be a valid dictionary"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":"a"},{"role":"user","content":[{"text":"x"}]}]})",
       "messages.1.content.0.type: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"text"}]}]})",
       "messages.0.content.0.text: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image"}]}]})",
       "messages.0.content.0.source: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","data":"x"}}]}]})",
       "messages.0.content.0.source.base64.media_type: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":"{}"}]}]})",
       "messages.0.content.0.input: Input should be a valid dictionary"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"x"}]}]})",
       "messages.0.content.0.signature: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":3}]}]})",
       "messages.0.content.0.content: Input should be a valid list"},
      {R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text"}]}]}]})",
       "messages.0.content.0.content.0.text: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[],"system":5})",
       "system: Input should be a valid list"},
      {R"({"model":"m","max_tokens":10,"messages":[],"system":[{"type":"image","source":{"type":"url","url":"u"}}]})",
       "system.0.type: Input should be 'text'"},
      {R"({"model":"m","max_tokens":10,"messages":[],"tools":[{"name":"a"}]})",
       "tools.0.custom.input_schema: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[],"tools":[{"input_schema":{}}]})",
       "tools.0.custom.name: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[],"tool_choice":{"type":"tool"}})",
       "tool_choice.tool.name: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[],"tool_choice":{"type":"required"}})",
       "tool_choice: Input tag 'required' found using 'type' does not match any of the expected "
       "tags: 'auto', 'any', 'tool', 'none'"},
      {R"({"model":"m","max_tokens":10,"messages":[],"thinking":{"type":"enabled"}})",
       "thinking.enabled.budget_tokens: Field required"},
      {R"({"model":"m","max_tokens":10,"messages":[],"thinking":{"type":"on"}})",
       "thinking: Input tag 'on' found using 'type' does not match any of the expected tags: "
       "'enabled', 'disabled', 'adaptive'"},
      {R"({"model":"m","max_tokens":10,"messages":[],"temperature":"hot"})",
       "temperature: Input should be a valid number"},
      {R"({"model":"m","max_tokens":10,"messages":[],"top_k":-1})",
       "top_k: Input should be a valid integer"},
      {R"({"model":"m","max_tokens":10,"messages":[],"stop_sequences":"END"})",
       "stop_sequences: Input should be a valid list"},
      {R"({"model":"m","max_tokens":10,"messages":[],"stop_sequences":["a",1]})",
       "stop_sequences.1: Input should be a valid string"},
      {R"({"model":"m","max_tokens":10,"messages":[],"stream":"yes"})",
       "stream: Input should be a valid boolean"},
      {R"({"model":"m","max_tokens":10,"messages":[],"metadata":{"user_id":5}})",
       "metadata.user_id: Input should be a valid string"},
      {R"([1,2])", "invalid JSON body: expected a JSON object"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(decode_error_message(c.body), c.message) << c.body;
  }
}

TEST(AnthropicRequestValidation, MalformedJsonIsInvalidJsonBody) {
  for (std::string_view body : {"", "{", "{\"model\":", "not json", "{\"a\":1}}", "\xff\xfe"}) {
    const std::string msg = decode_error_message(body);
    EXPECT_EQ(msg.rfind("invalid JSON body: ", 0), 0u) << msg;
  }
}

TEST(AnthropicRequestValidation, AcceptsIntegralFloatAndNullOptionals) {
  auto r = anthropic_codec().decode_request(
      R"({"model":"m","max_tokens":1024.0,"messages":[],"temperature":null,"system":null,"metadata":null})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->max_tokens, 1024u);
  EXPECT_FALSE(r->temperature);
}

TEST(AnthropicRequest, DecodesCanonicalFields) {
  auto r = anthropic_codec().decode_request(
      read_file(kDataDir / "request_thinking_signed_redacted" / "request.json"));
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->thinking);
  EXPECT_EQ(r->thinking->kind, schema::Thinking::Kind::Enabled);
  EXPECT_EQ(r->thinking->budget_tokens, 10000u);
  const auto& assistant = r->messages[1].content;
  ASSERT_EQ(assistant.size(), 3u);
  EXPECT_EQ(assistant[0].type, BlockType::Thinking);
  EXPECT_FALSE(assistant[0].signature.empty());
  EXPECT_EQ(assistant[1].type, BlockType::RedactedThinking);
  EXPECT_EQ(assistant[2].type, BlockType::ToolUse);
  EXPECT_EQ(assistant[2].input, R"({"location":"Paris"})");
  const auto& sig_only = r->messages[3].content[0];
  EXPECT_EQ(sig_only.type, BlockType::Thinking);
  EXPECT_TRUE(sig_only.text.empty());

  auto extra = anthropic_codec().decode_request(
      read_file(kDataDir / "request_unknown_top_level_fields" / "request.json"));
  ASSERT_TRUE(extra.has_value());
  for (const char* k : {"context_management", "output_config", "container", "mcp_servers",
                        "cache_control", "inference_geo"}) {
    EXPECT_TRUE(extra->extra.contains(k)) << k;
  }
  // Structured output is also lifted into the dialect-neutral slot.
  ASSERT_TRUE(extra->response_format);
  EXPECT_EQ(extra->response_format->at("type"), "json_schema");

  auto tools = anthropic_codec().decode_request(
      read_file(kDataDir / "request_anthropic_defined_tools" / "request.json"));
  ASSERT_TRUE(tools.has_value());
  EXPECT_EQ(tools->tools[0].type, "bash_20250124");
  EXPECT_EQ(tools->tools[2].extra.at("max_uses"), 5);
}

TEST(AnthropicRequest, UnsignedEmptyThinkingIsDroppedEvenForAnthropicOrigin) {
  // §6.9: an empty, unsigned thinking block (another model's reasoning replayed) is rejected
  // upstream.
  auto r = anthropic_codec().decode_request(
      R"({"model":"m","max_tokens":10,"messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"","signature":""},{"type":"text","text":"ok"}]}]})");
  ASSERT_TRUE(r.has_value());
  TranslationContext ctx;
  EXPECT_TRUE(json_equal(
      anthropic_codec().encode_request(*r, ctx),
      R"({"model":"m","max_tokens":10,"messages":[{"role":"assistant","content":[{"type":"text","text":"ok"}]}]})"));
}

// --- requests from another dialect (§6.1 read backwards) ---

schema::CanonicalRequest openai_request() {
  schema::CanonicalRequest r;
  r.origin = schema::Dialect::OpenAiChat;
  r.model = "claude-sonnet-4-5";
  r.messages.push_back({schema::Role::User, {schema::ContentBlock::make_text("Hi")}, true});
  return r;
}

std::string encode(const schema::CanonicalRequest& r) {
  TranslationContext ctx;
  return anthropic_codec().encode_request(r, ctx);
}

TEST(AnthropicRequestFromOtherDialect, DefaultsMaxTokensAndJoinsSystem) {
  auto r = openai_request();
  r.system.push_back(schema::ContentBlock::make_text("You are terse."));
  r.extra["logit_bias"] = json::object{};  // OpenAI-only: must not be replayed
  r.extra["seed"] = 3;
  EXPECT_TRUE(json_equal(encode(r), R"({"model":"claude-sonnet-4-5","max_tokens":4096,
      "messages":[{"role":"user","content":"Hi"}],"system":"You are terse."})"));
}

TEST(AnthropicRequestFromOtherDialect, ReasoningEffortBecomesThinkingWhenMaxTokensAllows) {
  auto r = openai_request();
  r.max_tokens = 8000;
  r.temperature = 0.3;
  r.reasoning_effort = "medium";
  EXPECT_TRUE(json_equal(encode(r), R"({"model":"claude-sonnet-4-5","max_tokens":8000,
      "messages":[{"role":"user","content":"Hi"}],
      "thinking":{"type":"enabled","budget_tokens":2048}})"));
  r.reasoning_effort = "low";
  EXPECT_NE(encode(r).find(R"("budget_tokens":1024)"), std::string::npos);
  r.reasoning_effort = "high";
  EXPECT_NE(encode(r).find(R"("budget_tokens":4096)"), std::string::npos);
  // Budget must stay below max_tokens: no thinking, sampling kept.
  r.max_tokens = 4096;
  const std::string small = encode(r);
  EXPECT_EQ(small.find("thinking"), std::string::npos);
  EXPECT_NE(small.find(R"("temperature":0.3)"), std::string::npos);
  // Default max_tokens (4096) does not leave room for "high" either.
  r.max_tokens.reset();
  EXPECT_EQ(encode(r).find("thinking"), std::string::npos);
  r.reasoning_effort = "minimal";
  r.max_tokens = 100000;
  EXPECT_EQ(encode(r).find("thinking"), std::string::npos);
}

TEST(AnthropicRequestFromOtherDialect, ToolsChoiceParallelAndResults) {
  auto r = openai_request();
  schema::Tool t;
  t.name = "get_weather";
  t.description = "Weather";
  t.input_schema = R"({"type":"object","properties":{"city":{"type":"string"}}})";
  t.input_schema_has_type = true;
  r.tools.push_back(t);
  schema::Tool bare;
  bare.name = "ping";
  bare.input_schema = "{}";
  r.tools.push_back(bare);
  r.parallel_tool_calls = false;
  r.stop_sequences = {"END"};
  r.user_id = "u1";

  schema::Message assistant;
  assistant.role = schema::Role::Assistant;
  schema::ContentBlock unsigned_thinking;
  unsigned_thinking.type = BlockType::Thinking;
  unsigned_thinking.text = "reasoning from another model";
  assistant.content.push_back(unsigned_thinking);
  assistant.content.push_back(schema::ContentBlock::make_text(""));
  schema::ContentBlock call;
  call.type = BlockType::ToolUse;
  call.id = "call_1";
  call.name = "get_weather";
  call.input = R"({"city":"Paris"})";
  assistant.content.push_back(call);
  r.messages.push_back(assistant);

  schema::Message user;
  schema::ContentBlock result;
  result.type = BlockType::ToolResult;
  result.tool_use_id = "call_1";
  result.content.push_back(schema::ContentBlock::make_text("boom"));
  result.content_is_string = true;
  result.is_error = true;
  user.content.push_back(result);
  schema::ContentBlock opaque;
  opaque.type = BlockType::Opaque;
  opaque.mutable_detail().raw = json::parse(R"({"type":"input_audio"})");
  user.content.push_back(opaque);
  r.messages.push_back(user);

  EXPECT_TRUE(json_equal(encode(r), R"({"model":"claude-sonnet-4-5","max_tokens":4096,
      "messages":[{"role":"user","content":"Hi"},
        {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"boom","is_error":true}]}],
      "stop_sequences":["END"],"metadata":{"user_id":"u1"},
      "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}},
               {"name":"ping","input_schema":{"type":"object"}}],
      "tool_choice":{"type":"auto","disable_parallel_tool_use":true}})"));

  using Kind = schema::ToolChoice::Kind;
  r.parallel_tool_calls.reset();
  r.tool_choice = schema::ToolChoice{Kind::None, "", false};
  EXPECT_NE(encode(r).find(R"("tool_choice":{"type":"none"})"), std::string::npos);
  r.tool_choice = schema::ToolChoice{Kind::Any, "", false};
  EXPECT_NE(encode(r).find(R"("tool_choice":{"type":"any"})"), std::string::npos);
  r.tool_choice = schema::ToolChoice{Kind::Tool, "get_weather", false};
  r.parallel_tool_calls = false;
  EXPECT_NE(
      encode(r).find(
          R"("tool_choice":{"type":"tool","name":"get_weather","disable_parallel_tool_use":true})"),
      std::string::npos);
  // tool_choice without tools means nothing to Anthropic.
  r.tools.clear();
  EXPECT_EQ(encode(r).find("tool_choice"), std::string::npos);
}

TEST(AnthropicRequestFromOtherDialect, DataUrlImageAndResponseFormat) {
  auto r = openai_request();
  schema::ContentBlock img;
  img.type = BlockType::Image;
  img.mutable_detail().source.kind = schema::MediaSource::Kind::Url;
  img.mutable_detail().source.url = "data:image/png;base64,iVBORw0KGgo=";
  r.messages[0].content.push_back(img);
  r.messages[0].content_is_string = false;
  r.response_format = json::parse(
      R"({"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"},"strict":true}})");
  r.service_tier = "default";
  EXPECT_TRUE(json_equal(encode(r), R"({"model":"claude-sonnet-4-5","max_tokens":4096,
      "messages":[{"role":"user","content":[{"type":"text","text":"Hi"},
        {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}],
      "service_tier":"standard_only",
      "output_config":{"format":{"type":"json_schema","schema":{"type":"object"}}}})"));
}

// --- responses ---

TEST(AnthropicRequestFromOtherDialect, ToolIdsAreMadeValidConsistently) {
  auto r = openai_request();
  schema::Message assistant;
  assistant.role = schema::Role::Assistant;
  schema::ContentBlock call;
  call.type = BlockType::ToolUse;
  call.id = "functions.get:0";
  call.name = "get";
  assistant.content.push_back(call);
  r.messages.push_back(assistant);
  schema::Message user;
  schema::ContentBlock result;
  result.type = BlockType::ToolResult;
  result.tool_use_id = "functions.get:0";
  user.content.push_back(result);
  r.messages.push_back(user);
  const std::string out = encode(r);
  EXPECT_NE(out.find(R"("id":"functions_get_0")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("tool_use_id":"functions_get_0")"), std::string::npos) << out;
}

TEST(AnthropicResponse, EncodesExactMessageShapeAndMsgIds) {
  schema::CanonicalResponse resp;
  resp.id = "chatcmpl-123";
  resp.model = "gpt-4o-mini";
  resp.content.push_back(schema::ContentBlock::make_text("Hi."));
  resp.stop_reason = schema::StopReason::EndTurn;
  resp.usage.input_tokens = 40;
  resp.usage.cache_read_input_tokens = 60;
  resp.usage.output_tokens = 20;
  resp.extra["system_fingerprint"] = "fp_1";  // another dialect's leftovers are not shown
  const std::string out = anthropic_codec().encode_response(resp);
  EXPECT_EQ(out,
            R"({"id":"msg_chatcmpl-123","type":"message","role":"assistant","model":"gpt-4o-mini",)"
            R"("content":[{"type":"text","text":"Hi.","citations":null}],"stop_reason":"end_turn",)"
            R"("stop_sequence":null,"usage":{"input_tokens":40,"cache_creation_input_tokens":0,)"
            R"("cache_read_input_tokens":60,"output_tokens":20}})");
  resp.id = "msg_keep";
  EXPECT_EQ(anthropic_codec().encode_response(resp).rfind(R"({"id":"msg_keep",)", 0), 0u);
  resp.id.clear();
  auto a = json::parse(anthropic_codec().encode_response(resp));
  auto b = json::parse(anthropic_codec().encode_response(resp));
  const std::string id_a(a.at("id").as_string()), id_b(b.at("id").as_string());
  EXPECT_EQ(id_a.rfind("msg_", 0), 0u);
  EXPECT_GT(id_a.size(), 20u);
  EXPECT_NE(id_a, id_b);
}

TEST(AnthropicResponse, DecodesUsageStopAndRestoresToolNames) {
  TranslationContext ctx;
  ctx.tool_name_restore["short_name"] = "a_very_long_original_tool_name";
  auto r = anthropic_codec().decode_response(
      R"({"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[
          {"type":"tool_use","id":"toolu_1","name":"short_name","input":{}}],
          "stop_reason":"tool_use","stop_sequence":null,
          "usage":{"input_tokens":5,"output_tokens":7,"cache_creation_input_tokens":11,"cache_read_input_tokens":13,
                   "output_tokens_details":{"thinking_tokens":3},"server_tool_use":null,
                   "cache_creation":{"ephemeral_5m_input_tokens":11},"service_tier":"standard"},
          "container":{"id":"c1","expires_at":"2025-01-01T00:00:00Z"}})",
      ctx);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->content[0].name, "a_very_long_original_tool_name");
  EXPECT_EQ(r->stop_reason, schema::StopReason::ToolUse);
  EXPECT_EQ(r->usage.input_tokens, 5u);
  EXPECT_EQ(r->usage.output_tokens, 7u);
  EXPECT_EQ(r->usage.cache_creation_input_tokens, 11u);
  EXPECT_EQ(r->usage.cache_read_input_tokens, 13u);
  EXPECT_EQ(r->usage.reasoning_tokens, 3u);
  // The members without a slot are kept, in their order; null ones are not.
  EXPECT_EQ(r->usage_extra,
            R"({"output_tokens_details":{"thinking_tokens":3},)"
            R"("cache_creation":{"ephemeral_5m_input_tokens":11},"service_tier":"standard"})");
  EXPECT_TRUE(r->extra.contains("container"));
}

TEST(AnthropicResponse, BadUpstreamBodiesAreErrorsNotExceptions) {
  TranslationContext ctx;
  auto garbage = anthropic_codec().decode_response("<html>502</html>", ctx);
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().code, ErrorCode::BadGateway);
  auto err = anthropic_codec().decode_response(
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})", ctx);
  ASSERT_FALSE(err.has_value());
  EXPECT_EQ(err.error().code, ErrorCode::Overloaded);
  EXPECT_EQ(err.error().upstream_type, "overloaded_error");
}

// --- errors (§5) ---

std::string encoded_type(const schema::Error& e) {
  auto v = json::parse(anthropic_codec().encode_error(e, "req_1"));
  return std::string(v.at("error").at("type").as_string());
}

TEST(AnthropicErrors, StatusToTypeTable) {
  const std::pair<int, const char*> table[] = {
      {400, "invalid_request_error"},
      {401, "authentication_error"},
      {402, "billing_error"},
      {403, "permission_error"},
      {404, "not_found_error"},
      {408, "invalid_request_error"},
      {409, "conflict_error"},
      {413, "request_too_large"},
      {422, "invalid_request_error"},
      {429, "rate_limit_error"},
      {500, "api_error"},
      {502, "api_error"},
      {503, "api_error"},
      {504, "timeout_error"},
      {529, "overloaded_error"},
      {599, "api_error"},
      {418, "invalid_request_error"},
  };
  for (const auto& [status, type] : table) {
    schema::Error e = schema::Error::make(schema::code_from_status(status), "m");
    e.upstream_status = status;
    EXPECT_EQ(encoded_type(e), type) << status;
    // The same through the canonical code alone (gateway-made errors have no upstream status).
    if (status != 408 && status != 418 && status != 599) {
      EXPECT_EQ(encoded_type(schema::Error::make(schema::code_from_status(status), "m")), type)
          << status;
    }
  }
}

TEST(AnthropicErrors, KeepsDocumentedUpstreamTypeOfTheSameClass) {
  schema::Error e = schema::Error::make(ErrorCode::Unavailable, "busy");
  e.upstream_type = "overloaded_error";
  EXPECT_EQ(encoded_type(e), "overloaded_error");
  e.upstream_type = "invalid_request_error";  // 4xx type on a 503: the status wins
  EXPECT_EQ(encoded_type(e), "api_error");
  e = schema::Error::make(ErrorCode::InvalidArgument, "x");
  e.upstream_type = "insufficient_quota";  // not an Anthropic word
  EXPECT_EQ(encoded_type(e), "invalid_request_error");
}

TEST(AnthropicErrors, EncodesBodyAndStreamFrame) {
  schema::Error e = schema::Error::invalid("max_tokens: Field required");
  EXPECT_EQ(
      anthropic_codec().encode_error(e, "req_011C"),
      R"({"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"},"request_id":"req_011C"})");
  EXPECT_NE(anthropic_codec().encode_error(e, "").find(R"("request_id":null)"), std::string::npos);
  schema::Error o = schema::Error::make(ErrorCode::Overloaded, "Overloaded");
  EXPECT_EQ(anthropic_codec().encode_stream_error(o),
            "event: error\ndata: "
            R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"
            "\n\n");
}

TEST(AnthropicErrors, DecodesAnthropicOpenAiAndNonJsonBodies) {
  auto a = anthropic_codec().decode_error(
      429,
      R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"},"request_id":"req_1"})");
  EXPECT_EQ(a.code, ErrorCode::ResourceExhausted);
  EXPECT_EQ(a.message, "slow down");
  EXPECT_EQ(a.upstream_type, "rate_limit_error");
  EXPECT_EQ(a.upstream_status, 429);

  auto o = anthropic_codec().decode_error(
      400, R"({"error":{"message":"bad","type":"invalid_request_error","code":null}})");
  EXPECT_EQ(o.code, ErrorCode::InvalidArgument);
  EXPECT_EQ(o.message, "bad");

  auto html = anthropic_codec().decode_error(502, "<html><body>Bad Gateway</body></html>\n");
  EXPECT_EQ(html.code, ErrorCode::BadGateway);
  EXPECT_EQ(html.upstream_status, 502);
  EXPECT_EQ(html.message, "upstream returned HTTP 502: <html><body>Bad Gateway</body></html>");

  auto empty = anthropic_codec().decode_error(529, "");
  EXPECT_EQ(empty.code, ErrorCode::Overloaded);
  EXPECT_EQ(empty.message, "upstream returned HTTP 529");
  EXPECT_EQ(encoded_type(empty), "overloaded_error");

  const std::string big(10000, 'x');
  EXPECT_LE(anthropic_codec().decode_error(500, big).message.size(), 600u);
}

// --- streams (§4) ---

TEST(AnthropicStreamEncoder, MessageDeltaAlwaysCarriesOutputTokensAndStopReason) {
  StreamEvent d;
  d.type = StreamEventType::MessageDelta;
  const std::string out = encode_stream({d});
  EXPECT_EQ(
      out,
      "event: message_delta\ndata: "
      R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":0}})"
      "\n\n");
}

TEST(AnthropicStreamEncoder, MessageStartShape) {
  StreamEvent s;
  s.type = StreamEventType::MessageStart;
  s.id = "chatcmpl-9";
  s.model = "upstream-model";
  s.usage.input_tokens = 3;
  EXPECT_EQ(
      encode_stream({s}, "claude-alias"),
      "event: message_start\ndata: "
      R"({"type":"message_start","message":{"id":"msg_chatcmpl-9","type":"message","role":"assistant",)"
      R"("model":"claude-alias","content":[],"stop_reason":null,"stop_sequence":null,)"
      R"("usage":{"input_tokens":3,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}})"
      "\n\n");
}

StreamEvent block_start(size_t index, schema::ContentBlock b) {
  StreamEvent e;
  e.type = StreamEventType::BlockStart;
  e.index = index;
  e.block = std::move(b);
  return e;
}
StreamEvent block_stop(size_t index) {
  StreamEvent e;
  e.type = StreamEventType::BlockStop;
  e.index = index;
  return e;
}
StreamEvent text_delta(size_t index, std::string text) {
  StreamEvent e;
  e.type = StreamEventType::BlockDelta;
  e.index = index;
  e.delta = std::move(text);
  return e;
}

TEST(AnthropicStreamEncoder, DropsBlocksItCannotShowWithoutIndexGaps) {
  schema::ContentBlock image;
  image.type = BlockType::Image;
  schema::ContentBlock tool;
  tool.type = BlockType::ToolUse;
  tool.id = "toolu_1";
  tool.name = "f";
  tool.input = R"({"a":1})";  // complete input at start (Gemini-style decoders)
  const auto frames = split_sse(
      encode_stream({block_start(0, image), text_delta(0, "x"), block_stop(0), block_start(1, tool),
                     block_stop(1), block_start(2, schema::ContentBlock::make_text("pre")),
                     text_delta(2, "fix"), block_stop(2)}));
  ASSERT_EQ(frames.size(), 7u);
  EXPECT_TRUE(json_equal(frames[0].data, R"({"type":"content_block_start","index":0,
      "content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}})"));
  EXPECT_TRUE(json_equal(frames[1].data, R"({"type":"content_block_delta","index":0,
      "delta":{"type":"input_json_delta","partial_json":"{\"a\":1}"}})"));
  EXPECT_TRUE(json_equal(frames[2].data, R"({"type":"content_block_stop","index":0})"));
  EXPECT_TRUE(json_equal(frames[3].data, R"({"type":"content_block_start","index":1,
      "content_block":{"type":"text","text":""}})"));
  EXPECT_TRUE(json_equal(frames[4].data, R"({"type":"content_block_delta","index":1,
      "delta":{"type":"text_delta","text":"pre"}})"));
  EXPECT_TRUE(json_equal(frames[5].data, R"({"type":"content_block_delta","index":1,
      "delta":{"type":"text_delta","text":"fix"}})"));
  EXPECT_EQ(frames[6].event, "content_block_stop");
}

TEST(AnthropicStreamEncoder, ClosesOpenBlockBeforeMessageDeltaAndStopsAfterError) {
  StreamEvent md;
  md.type = StreamEventType::MessageDelta;
  md.stop_reason = schema::StopReason::MaxTokens;
  md.usage.input_tokens = 9;
  md.usage.output_tokens = 4;
  StreamEvent err;
  err.type = StreamEventType::Error;
  err.error = schema::Error::make(ErrorCode::BadGateway, "upstream stream ended before completion");
  StreamEvent stop;
  stop.type = StreamEventType::MessageStop;
  const auto frames = split_sse(
      encode_stream({block_start(0, schema::ContentBlock::make_text("")), md, err, stop, md}));
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[1].event, "content_block_stop");
  EXPECT_TRUE(json_equal(frames[2].data, R"({"type":"message_delta",
      "delta":{"stop_reason":"max_tokens","stop_sequence":null},
      "usage":{"input_tokens":9,"output_tokens":4}})"));
  EXPECT_TRUE(json_equal(frames[3].data, R"({"type":"error","error":{"type":"api_error",
      "message":"upstream stream ended before completion"}})"));
}

TEST(AnthropicStreamDecoder, MapsEventsAndFinishesWithErrorWhenTruncated) {
  const auto events =
      decode_stream(split_sse(read_file(kDataDir / "stream_text_tool_use" / "stream.sse")), false);
  ASSERT_EQ(events.size(), 12u);
  EXPECT_EQ(events[0].type, StreamEventType::MessageStart);
  EXPECT_EQ(events[0].usage.input_tokens, 472u);
  EXPECT_EQ(events[1].type, StreamEventType::Ping);
  EXPECT_EQ(events[5].block.type, BlockType::ToolUse);
  EXPECT_EQ(events[5].block.name, "get_weather");
  EXPECT_EQ(events[7].delta_type, schema::DeltaType::InputJson);
  EXPECT_EQ(events[10].type, StreamEventType::MessageDelta);
  EXPECT_EQ(events[10].stop_reason, schema::StopReason::ToolUse);
  EXPECT_EQ(events[10].usage.output_tokens, 89u);
  EXPECT_EQ(events[11].type, StreamEventType::MessageStop);

  TranslationContext ctx;
  auto dec = anthropic_codec().make_stream_decoder(ctx);
  std::vector<StreamEvent> out;
  dec->feed({"message_start", R"({"type":"message_start","message":{"id":"msg_1"}})", ""}, out);
  EXPECT_FALSE(dec->done());
  dec->finish(out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].type, StreamEventType::Error);
  EXPECT_EQ(out[1].error.code, ErrorCode::BadGateway);
  EXPECT_EQ(out[1].error.message, "upstream stream ended before completion");
  EXPECT_TRUE(dec->done());
  dec->finish(out);
  EXPECT_EQ(out.size(), 2u);
}

TEST(AnthropicStreamDecoder, ErrorEventMapsType) {
  TranslationContext ctx;
  auto dec = anthropic_codec().make_stream_decoder(ctx);
  std::vector<StreamEvent> out;
  dec->feed(
      {"error", R"({"type":"error","error":{"type":"rate_limit_error","message":"slow"}})", ""},
      out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].error.code, ErrorCode::ResourceExhausted);
  EXPECT_EQ(out[0].error.upstream_type, "rate_limit_error");
  EXPECT_TRUE(dec->done());
}

TEST(AnthropicStreamDecoder, EventWithoutNameUsesJsonType) {
  TranslationContext ctx;
  auto dec = anthropic_codec().make_stream_decoder(ctx);
  std::vector<StreamEvent> out;
  dec->feed({"", R"({"type":"message_stop"})", ""}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, StreamEventType::MessageStop);
}

// --- never throw on garbage (STYLE.md rule 12) ---

TEST(AnthropicRobustness, NeverThrowsOnTruncatedOrMutatedInput) {
  const Codec& codec = anthropic_codec();
  std::mt19937 rng(12345);  // fixed seed: hermetic and reproducible
  std::vector<std::string> seeds;
  for (const auto& name : golden_cases()) {
    for (const char* f : {"request.json", "response.json", "stream.sse"}) {
      if (fs::exists(kDataDir / name / f)) {
        seeds.push_back(read_file(kDataDir / name / f));
      }
    }
  }
  ASSERT_FALSE(seeds.empty());
  const std::string noise = "{}[]\",:0123456789.eE-+ntrufals\\\x01\xff";
  size_t runs = 0;
  for (const auto& seed : seeds) {
    std::vector<std::string> inputs;
    for (size_t cut = 0; cut < seed.size(); cut += 1 + seed.size() / 40) {
      inputs.push_back(seed.substr(0, cut));
    }
    for (int i = 0; i < 40; ++i) {
      std::string m = seed;
      for (int k = 0; k < 3 && !m.empty(); ++k) {
        m[rng() % m.size()] = noise[rng() % noise.size()];
      }
      inputs.push_back(std::move(m));
    }
    for (const auto& in : inputs) {
      EXPECT_NO_THROW({
        TranslationContext ctx;
        auto req = codec.decode_request(in);
        if (req) {
          (void)codec.encode_request(*req, ctx);
        }
        auto resp = codec.decode_response(in, ctx);
        if (resp) {
          (void)codec.encode_response(*resp);
        }
        (void)codec.encode_error(codec.decode_error(500, in), "r");
        auto events = decode_stream(split_sse(in));
        (void)encode_stream(events);
        auto raw = decode_stream({SseEvent{"content_block_delta", in, ""}});
        (void)encode_stream(raw);
      });
      ++runs;
    }
  }
  // Random bytes and pathological nesting.
  for (int i = 0; i < 200; ++i) {
    std::string junk(rng() % 256, '\0');
    for (auto& c : junk) {
      c = static_cast<char>(rng());
    }
    EXPECT_NO_THROW((void)codec.decode_request(junk));
  }
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(codec.decode_request(deep).has_value());
  const std::string deep_obj = R"({"model":"m","max_tokens":1,"messages":[],"x":)" +
                               std::string(5000, '[') + std::string(5000, ']') + "}";
  EXPECT_FALSE(codec.decode_request(deep_obj).has_value());
  EXPECT_GT(runs, 1000u);
}

}  // namespace
}  // namespace heimdall::dialects
