// OpenAI Chat codec: data-driven golden cases (tests/data/openai_chat/<case>/) plus targeted tests
// for the rules of anthropic.md §6.1–§6.3 that are clearer as code than as files.
//
// A case folder may hold:
//   request.json   decode → encode must give expected_request.json (or request.json itself)
//   response.json  decode → encode must give expected_response.json (or response.json itself)
//   stream.sse     decode must give the canonical events in events.txt (when present) that keep the
//                  stream invariants; encoding them must give expected_stream.sse (or stream.sse)
//   README         one line: what the case covers and where the payload comes from
#include "dialects/openai_chat.hpp"

#include "translation_test_support.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <utility>

namespace heimdall::dialects {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using schema::BlockType;
using test::parse_json;
using test::read_file;

const Codec& codec() { return openai_chat_codec(); }

std::vector<schema::StreamEvent> decode_stream(std::string_view sse, const TranslationContext& ctx,
                                               bool eof = true) {
  auto decoder = codec().make_stream_decoder(ctx);
  std::vector<schema::StreamEvent> events;
  for (const auto& e : test::split_sse(sse)) {
    decoder->feed(e, events);
  }
  if (eof) {
    decoder->finish(events);
  }
  return events;
}

std::string encode_stream(const std::vector<schema::StreamEvent>& events, bool include_usage) {
  StreamEncoderOptions options;
  options.include_usage = include_usage;
  auto encoder = codec().make_stream_encoder(options);
  std::string out;
  for (const auto& e : events) {
    encoder->encode(e, out);
  }
  return out;
}

// Compares two OpenAI SSE texts frame by frame (JSON by value, `created` ignored).
void expect_same_sse(std::string_view expected, std::string_view actual, const std::string& what) {
  auto want = test::split_sse(expected);
  auto got = test::split_sse(actual);
  ASSERT_EQ(want.size(), got.size()) << what << "\n--- got:\n" << actual;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].event, got[i].event) << what << " frame " << i;
    if (want[i].data == "[DONE]" || got[i].data == "[DONE]") {
      EXPECT_EQ(want[i].data, got[i].data) << what << " frame " << i;
      continue;
    }
    json::value a = parse_json(want[i].data);
    json::value b = parse_json(got[i].data);
    test::zero_created(a);
    test::zero_created(b);
    EXPECT_TRUE(test::json_equal(a, b))
        << what << " frame " << i << "\nwant " << want[i].data << "\ngot  " << got[i].data;
  }
}

void expect_same_json(std::string_view expected, std::string_view actual, const std::string& what) {
  json::value a = parse_json(expected);
  json::value b = parse_json(actual);
  test::zero_created(a);
  test::zero_created(b);
  EXPECT_TRUE(test::json_equal(a, b))
      << what << "\nwant " << json::serialize(a) << "\ngot  " << json::serialize(b);
}

TEST(OpenAiChatGoldenTest, RoundTripsEveryCase) {
  auto cases = test::case_dirs(test::data_dir("openai_chat"));
  ASSERT_FALSE(cases.empty());
  for (const fs::path& dir : cases) {
    std::string name = dir.filename().string();
    SCOPED_TRACE(name);
    EXPECT_TRUE(test::exists(dir / "README")) << name << ": every case needs a README line";
    TranslationContext ctx;
    if (test::exists(dir / "request.json")) {
      auto request = codec().decode_request(read_file(dir / "request.json"));
      ASSERT_TRUE(request) << name << ": " << request.error().message;
      EXPECT_EQ(request->origin, schema::Dialect::OpenAiChat);
      std::string encoded = codec().encode_request(*request, ctx);
      fs::path want = test::exists(dir / "expected_request.json") ? dir / "expected_request.json"
                                                                  : dir / "request.json";
      expect_same_json(read_file(want), encoded, name + "/request");
    }
    if (test::exists(dir / "response.json")) {
      auto response = codec().decode_response(read_file(dir / "response.json"), ctx);
      ASSERT_TRUE(response) << name << ": " << response.error().message;
      std::string encoded = codec().encode_response(*response);
      fs::path want = test::exists(dir / "expected_response.json") ? dir / "expected_response.json"
                                                                   : dir / "response.json";
      expect_same_json(read_file(want), encoded, name + "/response");
    }
    if (test::exists(dir / "stream.sse")) {
      auto events = decode_stream(read_file(dir / "stream.sse"), ctx);
      EXPECT_EQ(test::check_invariants(events), "") << name << "\n" << test::dump_events(events);
      if (test::exists(dir / "events.txt")) {
        EXPECT_EQ(read_file(dir / "events.txt"), test::dump_events(events)) << name;
      }
      std::string encoded = encode_stream(events, /*include_usage=*/true);
      test::write_missing_golden(dir / "expected_stream.sse", encoded);
      fs::path want = test::exists(dir / "expected_stream.sse") ? dir / "expected_stream.sse"
                                                                : dir / "stream.sse";
      expect_same_sse(read_file(want), encoded, name + "/stream");
    }
  }
}

// --- decode_request -----------------------------------------------------------------------------

TEST(OpenAiChatRequestTest, RejectsMissingModelAndMessages) {
  auto no_model = codec().decode_request(R"({"messages":[{"role":"user","content":"hi"}]})");
  ASSERT_FALSE(no_model);
  EXPECT_EQ(no_model.error().code, schema::ErrorCode::InvalidArgument);
  EXPECT_EQ(no_model.error().message, "you must provide a model parameter");

  auto no_messages = codec().decode_request(R"({"model":"gpt-4o"})");
  ASSERT_FALSE(no_messages);
  EXPECT_EQ(no_messages.error().message, "'messages' is a required property");

  for (std::string_view bad :
       {"", "{", "[1]", "null", R"({"model":1,"messages":[]})", R"({"model":"m","messages":{}})",
        R"({"model":"m","messages":[]})",
        R"({"model":"m","messages":[{"role":"wizard","content":"x"}]})",
        R"({"model":"m","messages":[{"role":"tool","content":"x"}]})",
        R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"})"}) {
    auto r = codec().decode_request(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, schema::ErrorCode::InvalidArgument) << bad;
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(OpenAiChatRequestTest, NamesTheFailingParameterLikeOpenAi) {
  // Parameter names are spelled only on the error path; these pin how nested ones read.
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"({"model":"m","messages":["x"]})",
       "Invalid type for 'messages[0]': expected an object, but got a string instead."},
      {R"({"model":"m","messages":[{"role":"user","content":[{"type":"file"}]}]})",
       "Missing required parameter: 'messages[0].content[0].file'."},
      {R"({"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{}}]}]})",
       "Missing required parameter: 'messages[0].content[0].file.file_data'."},
      {R"({"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":null,"tool_calls":5}]})",
       "Invalid type for 'messages[1].tool_calls': expected an array, but got an integer instead."},
      {R"({"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[1]}]})",
       "Invalid type for 'messages[1].tool_calls[0]': expected an object, but got an integer "
       "instead."},
      {R"({"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"function":{"name":"f"}}]}]})",
       "Missing required parameter: 'messages[1].tool_calls[0].id'."},
      {R"({"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"id":"c","function":{}}]}]})",
       "Missing required parameter: 'messages[1].tool_calls[0].function.name'."},
      {R"({"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"text"}]}]})",
       "Missing required parameter: 'messages[1].content[0].text'."},
      {R"({"model":"m","messages":[{"role":"user","content":"q"},{"role":"tool","content":"x"}]})",
       "Missing required parameter: 'messages[1].tool_call_id'."},
      {R"({"model":"m","messages":[{"role":"user","content":"q"},{"role":"tool","tool_call_id":"c","content":[{"type":"text"}]}]})",
       "Missing required parameter: 'messages[1].content[0].text'."},
      {R"({"model":"m","messages":[{"role":"user","content":"q"}],"tools":[1]})",
       "Invalid type for 'tools[0]': expected an object, but got an integer instead."},
      {R"({"model":"m","messages":[{"content":"x"}]})",
       "Missing required parameter: 'messages[0].role'."},
      {R"({"model":"m","messages":[{"role":"user","content":"q"}],"tools":[{"type":"function"}]})",
       "Missing required parameter: 'tools[0].function'."},
      {R"({"model":"m","messages":[{"role":"user","content":"q"}],"tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{}}]})",
       "Missing required parameter: 'tools[1].function.name'."},
      {R"({"model":"m","messages":[{"role":"user","content":"q"}],"max_tokens":"x"})",
       "Invalid type for 'max_tokens': expected an integer, but got a string instead."},
      {R"({"model":"m","messages":[{"role":"user"}]})",
       "Missing required parameter: 'messages[0].content'."},
      {R"({"model":"m","messages":[{"role":"system"}]})",
       "Missing required parameter: 'messages[0].content'."},
      {R"({"model":"m","messages":[{"role":"user","content":5}]})",
       "Invalid type for 'messages[0].content': expected one of a string or array of objects, but "
       "got an integer instead."},
      {R"({"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"a"},7]}]})",
       "Invalid type for 'messages[1].content[1]': expected an object, but got an integer "
       "instead."},
      {R"({"model":"m","messages":[{"role":"user","content":[{"text":"a"}]}]})",
       "Missing required parameter: 'messages[0].content[0].type'."},
      {R"({"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]})",
       "Missing required parameter: 'messages[0].content[0].text'."},
      {R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]})",
       "Missing required parameter: 'messages[0].content[0].image_url.url'."},
  };
  for (const auto& [body, message] : cases) {
    auto r = codec().decode_request(body);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().message, message) << body;
  }
}

TEST(OpenAiChatRequestTest, MapsRolesPartsAndParameters) {
  auto r = codec().decode_request(R"({
    "model": "gpt-4o", "max_completion_tokens": 300, "max_tokens": 10,
    "stop": "END", "stream": true, "stream_options": {"include_usage": true},
    "reasoning_effort": "low", "user": "u1", "service_tier": "flex", "seed": 7,
    "messages": [
      {"role": "developer", "content": "be brief"},
      {"role": "system", "content": [{"type": "text", "text": "and kind"}]},
      {"role": "user", "content": [
        {"type": "text", "text": "look"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR"}},
        {"type": "image_url", "image_url": {"url": "https://x.test/a.jpg"}},
        {"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBE"}}]},
      {"role": "assistant", "content": null, "reasoning_content": "hmm",
       "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}},
                      {"id": "call_2", "type": "function", "function": {"name": "g", "arguments": "{oops"}}]},
      {"role": "tool", "tool_call_id": "call_1", "content": "one"},
      {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "two"}]},
      {"role": "user", "content": "thanks"}]})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->model, "gpt-4o");
  EXPECT_EQ(r->max_tokens, 300u);
  EXPECT_EQ(r->stop_sequences, std::vector<std::string>{"END"});
  EXPECT_TRUE(r->stream);
  EXPECT_TRUE(r->include_usage);
  EXPECT_EQ(r->reasoning_effort, "low");
  EXPECT_EQ(r->user_id, "u1");
  EXPECT_EQ(r->service_tier, "flex");
  EXPECT_TRUE(r->extra.contains("seed"));
  ASSERT_EQ(r->system.size(), 2u);
  EXPECT_EQ(r->system[0].text, "be brief");
  EXPECT_EQ(r->system[1].text, "and kind");
  EXPECT_FALSE(r->system_is_string);

  ASSERT_EQ(r->messages.size(), 3u);
  const auto& user = r->messages[0].content;
  ASSERT_EQ(user.size(), 4u);
  EXPECT_EQ(user[1].type, BlockType::Image);
  EXPECT_EQ(user[1].detail().source.kind, schema::MediaSource::Kind::Base64);
  EXPECT_EQ(user[1].detail().source.media_type, "image/png");
  EXPECT_EQ(user[1].detail().source.data, "iVBOR");
  EXPECT_EQ(user[2].detail().source.kind, schema::MediaSource::Kind::Url);
  EXPECT_EQ(user[2].detail().source.url, "https://x.test/a.jpg");
  EXPECT_EQ(user[3].type, BlockType::Document);
  EXPECT_EQ(user[3].detail().source.media_type, "application/pdf");
  EXPECT_EQ(user[3].detail().source.data, "JVBE");

  const auto& assistant = r->messages[1].content;
  ASSERT_EQ(assistant.size(), 3u);
  EXPECT_EQ(assistant[0].type, BlockType::Thinking);
  EXPECT_EQ(assistant[0].text, "hmm");
  EXPECT_EQ(assistant[1].type, BlockType::ToolUse);
  EXPECT_EQ(assistant[1].input, R"({"a":1})");
  EXPECT_EQ(assistant[2].input, "{}") << "invalid arguments become {}";
  EXPECT_TRUE(assistant[2].detail().extra.contains("invalid_arguments"));

  // Consecutive tool messages and the following user message form one user turn.
  const auto& turn = r->messages[2].content;
  ASSERT_EQ(turn.size(), 3u);
  EXPECT_EQ(turn[0].type, BlockType::ToolResult);
  EXPECT_EQ(turn[0].tool_use_id, "call_1");
  EXPECT_TRUE(turn[0].content_is_string);
  EXPECT_EQ(turn[1].tool_use_id, "call_2");
  EXPECT_EQ(turn[1].content.at(0).text, "two");
  EXPECT_EQ(turn[2].type, BlockType::Text);
  EXPECT_EQ(turn[2].text, "thanks");
}

TEST(OpenAiChatRequestTest, DecodesToolsAndToolChoice) {
  auto r = codec().decode_request(R"({"model":"m","messages":[{"role":"user","content":"x"}],
    "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"},"strict":true}}],
    "tool_choice":"required","parallel_tool_calls":false})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->tools.size(), 1u);
  EXPECT_EQ(r->tools[0].name, "f");
  EXPECT_EQ(r->tools[0].description, "d");
  EXPECT_EQ(r->tools[0].strict, true);
  ASSERT_TRUE(r->tool_choice);
  EXPECT_EQ(r->tool_choice->kind, schema::ToolChoice::Kind::Any);
  EXPECT_TRUE(r->tool_choice->disable_parallel_tool_use);
  EXPECT_EQ(r->parallel_tool_calls, false);
}

// --- encode_request (Anthropic-origin canonical requests) ---------------------------------------

schema::CanonicalRequest anthropic_like() {
  schema::CanonicalRequest r;
  r.origin = schema::Dialect::Anthropic;
  r.model = "gpt-4o";
  r.max_tokens = 100;
  schema::Message m;
  m.role = schema::Role::User;
  m.content.push_back(schema::ContentBlock::make_text("hi"));
  m.content_is_string = true;
  r.messages.push_back(m);
  return r;
}

json::object encode(const schema::CanonicalRequest& r, TranslationContext& ctx) {
  return parse_json(codec().encode_request(r, ctx)).as_object();
}

TEST(OpenAiChatEncodeTest, ThinkingBudgetBuckets) {
  std::pair<uint64_t, std::string_view> table[] = {
      {0, "minimal"},   {500, "minimal"}, {1024, "low"},   {2047, "low"},
      {2048, "medium"}, {4096, "high"},   {16000, "high"}, {64000, "high"}};
  for (auto [budget, effort] : table) {
    auto r = anthropic_like();
    r.thinking = schema::Thinking{schema::Thinking::Kind::Enabled, budget, std::nullopt};
    TranslationContext ctx;
    auto body = encode(r, ctx);
    EXPECT_EQ(body["reasoning_effort"], json::value(effort)) << budget;
  }
  auto r = anthropic_like();
  r.thinking = schema::Thinking{schema::Thinking::Kind::Disabled, 0, std::nullopt};
  TranslationContext ctx;
  EXPECT_FALSE(encode(r, ctx).contains("reasoning_effort"));
}

TEST(OpenAiChatEncodeTest, ShortensAndRestoresLongToolNames) {
  auto r = anthropic_like();
  std::string long_name(100, 'a');
  std::string dotted = "mcp.server/tool";
  r.tools.push_back(schema::Tool{long_name, "d", R"({"type":"object"})", true, "", {}, {}, {}});
  r.tools.push_back(schema::Tool{dotted, "", R"({"type":"object"})", true, "", {}, {}, {}});
  r.tool_choice = schema::ToolChoice{schema::ToolChoice::Kind::Tool, long_name, false};
  TranslationContext ctx;
  auto body = encode(r, ctx);
  std::string short_name(body["tools"].as_array()[0].at("function").at("name").as_string());
  std::string short_dotted(body["tools"].as_array()[1].at("function").at("name").as_string());
  EXPECT_LE(short_name.size(), 64u);
  EXPECT_EQ(short_name.substr(0, 55), long_name.substr(0, 55));
  EXPECT_EQ(short_dotted.substr(0, 16), "mcp_server_tool_");
  EXPECT_EQ(body["tool_choice"].at("function").at("name"), json::value(short_name));
  EXPECT_EQ(ctx.tool_name_restore.at(short_name), long_name);
  EXPECT_EQ(ctx.tool_name_restore.at(short_dotted), dotted);

  std::string response =
      R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o",
    "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
      {"id":"call_1","type":"function","function":{"name":")" +
      short_name + R"(","arguments":"{}"}}]},
      "finish_reason":"tool_calls"}]})";
  auto decoded = codec().decode_response(response, ctx);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->content.at(0).name, long_name);

  std::string sse =
      "data: {\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
      "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
      "\"function\":{\"name\":\"" +
      short_name +
      "\",\"arguments\":\"{}\"}}]}}]}\n\n"
      "data: [DONE]\n\n";
  auto events = decode_stream(sse, ctx);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[1].block.name, long_name);
}

// --- decode_response ----------------------------------------------------------------------------

TEST(OpenAiChatResponseTest, ToolArgumentsKeepBoostJsonBytes) {
  // Arguments are parsed with simdjson, or with Boost.JSON where simdjson refuses (numbers beyond
  // the 64-bit ranges); either way the input reads as Boost.JSON serialises the arguments, and
  // anything but a JSON object becomes {} with the text kept for an OpenAI caller.
  std::string deep(33, '[');
  deep += std::string(33, ']');
  for (const std::string& args :
       {std::string(R"({"a":1,"b":[true,null,2.5,-3],"a":{"c":"\u00e9\n\"x\""}})"),
        std::string(R"({"big":18446744073709551616,"n":-9223372036854775809})"),
        std::string(R"({"huge":1e400})"), std::string(R"({"deep":)") + deep + "}",
        std::string(R"([1,2])"), std::string("{"), std::string(R"( {"s" : "t"} )")}) {
    json::object fn{{"name", "f"}, {"arguments", args}};
    json::object call{{"id", "call_1"}, {"type", "function"}, {"function", fn}};
    json::object message{
        {"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array{call}}};
    json::object choice{{"index", 0}, {"message", message}, {"finish_reason", "tool_calls"}};
    const std::string body = json::serialize(
        json::object{{"id", "chatcmpl-1"}, {"model", "m"}, {"choices", json::array{choice}}});
    auto r = codec().decode_response(body, TranslationContext{});
    ASSERT_TRUE(r) << body;
    ASSERT_EQ(r->content.size(), 1u) << body;
    boost::system::error_code ec;
    const json::value parsed = json::parse(args, ec);
    const bool valid = !ec && parsed.is_object();
    EXPECT_EQ(r->content[0].input, valid ? json::serialize(parsed) : "{}") << args;
    EXPECT_EQ(r->content[0].detail().extra.contains("invalid_arguments"), !valid) << args;
  }
}

TEST(OpenAiChatResponseTest, SplitsCachedTokensFromInput) {
  auto r = codec().decode_response(R"({"id":"chatcmpl-abc","model":"gpt-4o","choices":[{"index":0,
    "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
    "usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,
             "prompt_tokens_details":{"cached_tokens":60},
             "completion_tokens_details":{"reasoning_tokens":5}}})",
                                   TranslationContext{});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "msg_abc");
  EXPECT_EQ(r->usage.input_tokens, 40u);
  EXPECT_EQ(r->usage.cache_read_input_tokens, 60u);
  EXPECT_EQ(r->usage.cache_creation_input_tokens, 0u);
  EXPECT_EQ(r->usage.output_tokens, 20u);
  EXPECT_EQ(r->usage.reasoning_tokens, 5u);
  EXPECT_EQ(r->stop_reason, schema::StopReason::EndTurn);
}

TEST(OpenAiChatResponseTest, MapsFinishReasons) {
  std::pair<std::string_view, schema::StopReason> table[] = {
      {R"("stop")", schema::StopReason::EndTurn},
      {R"("length")", schema::StopReason::MaxTokens},
      {R"("tool_calls")", schema::StopReason::ToolUse},
      {R"("function_call")", schema::StopReason::ToolUse},
      {R"("content_filter")", schema::StopReason::Refusal},
      {"null", schema::StopReason::EndTurn},
      {R"("weird")", schema::StopReason::EndTurn}};
  for (auto [finish, stop] : table) {
    std::string body =
        R"({"id":"x","choices":[{"index":0,"message":{"content":"a"},"finish_reason":)" +
        std::string(finish) + "}]}";
    auto r = codec().decode_response(body, TranslationContext{});
    ASSERT_TRUE(r) << finish;
    EXPECT_EQ(r->stop_reason, stop) << finish;
  }
}

TEST(OpenAiChatResponseTest, RejectsGarbageWithoutThrowing) {
  for (std::string_view bad : {"", "nope", "[]", R"({"choices":[]})", R"({"choices":[1]})"}) {
    auto r = codec().decode_response(bad, TranslationContext{});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, schema::ErrorCode::BadGateway);
  }
  auto err = codec().decode_response(R"({"error":{"message":"boom","type":"server_error"}})",
                                     TranslationContext{});
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().message, "boom");
}

// --- stream decoder -----------------------------------------------------------------------------

TEST(OpenAiChatStreamTest, EofWithoutFinishIsAnError) {
  auto events = decode_stream(
      R"(data: {"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"content":"par"}}]}

)",
      TranslationContext{});
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, schema::StreamEventType::Error);
  EXPECT_EQ(events.back().error.message, "upstream stream ended before completion");
  EXPECT_EQ(events.back().error.code, schema::ErrorCode::BadGateway);
}

TEST(OpenAiChatStreamTest, NothingFollowsTheEnd) {
  auto decoder = codec().make_stream_decoder(TranslationContext{});
  std::vector<schema::StreamEvent> events;
  for (const auto& e : test::split_sse(
           "data: {\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
           "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}"
           "\n\n"
           "data: {\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"late\"}}]}\n\n"
           "data: [DONE]\n\n")) {
    decoder->feed(e, events);
  }
  decoder->finish(events);
  EXPECT_TRUE(decoder->done());
  EXPECT_EQ(events.back().type, schema::StreamEventType::MessageStop);
  EXPECT_EQ(test::check_invariants(events), "");
}

TEST(OpenAiChatStreamTest, SurvivesGarbageChunks) {
  for (std::string_view bad :
       {"data: {\n\n", "data: 42\n\n", "data: {\"choices\":7}\n\n",
        "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":-1}]}}]}\n\n",
        "data: {\"choices\":[{\"delta\":{\"tool_calls\":[7,{\"function\":3}]}}]}\n\n"}) {
    auto events = decode_stream(bad, TranslationContext{});
    ASSERT_FALSE(events.empty()) << bad;
    EXPECT_EQ(events.back().type, schema::StreamEventType::Error) << bad;
    EXPECT_EQ(test::check_invariants(events), "") << bad;
  }
}

// --- stream encoder -----------------------------------------------------------------------------

TEST(OpenAiChatStreamTest, EncoderWritesErrorAndStops) {
  StreamEncoderOptions options;
  auto encoder = codec().make_stream_encoder(options);
  std::string out;
  schema::StreamEvent start;
  start.type = schema::StreamEventType::MessageStart;
  start.id = "msg_1";
  encoder->encode(start, out);
  schema::StreamEvent err;
  err.type = schema::StreamEventType::Error;
  err.error = schema::Error::make(schema::ErrorCode::Overloaded, "busy");
  encoder->encode(err, out);
  schema::StreamEvent stop;
  stop.type = schema::StreamEventType::MessageStop;
  encoder->encode(stop, out);
  auto frames = test::split_sse(out);
  ASSERT_EQ(frames.size(), 2u);
  json::value e = parse_json(frames[1].data);
  EXPECT_EQ(e.at("error").at("message"), json::value("busy"));
  EXPECT_EQ(e.at("error").at("type"), json::value("api_error"));
}

// --- errors
// ---------------------------------------------------------------------------------------

TEST(OpenAiChatErrorTest, DecodesOpenAiErrorBodies) {
  auto e = codec().decode_error(
      429,
      R"({"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}})");
  EXPECT_EQ(e.code, schema::ErrorCode::ResourceExhausted);
  EXPECT_EQ(e.message, "Rate limit reached");
  EXPECT_EQ(e.upstream_type, "requests");
  EXPECT_EQ(e.upstream_status, 429);

  auto code_only = codec().decode_error(
      400, R"({"error":{"message":"bad","type":null,"code":"invalid_value"}})");
  EXPECT_EQ(code_only.code, schema::ErrorCode::InvalidArgument);
  EXPECT_EQ(code_only.upstream_type, "invalid_value");

  auto garbage = codec().decode_error(503, "<html>Service Unavailable</html>");
  EXPECT_EQ(garbage.code, schema::ErrorCode::Unavailable);
  EXPECT_NE(garbage.message.find("Service Unavailable"), std::string::npos);

  auto empty = codec().decode_error(500, "");
  EXPECT_EQ(empty.code, schema::ErrorCode::Internal);
  EXPECT_FALSE(empty.message.empty());

  auto gemini = codec().decode_error(
      429, R"([{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}])");
  EXPECT_EQ(gemini.message, "quota");
  EXPECT_EQ(gemini.upstream_type, "RESOURCE_EXHAUSTED");
}

TEST(OpenAiChatErrorTest, EncodesTypeAndCodeByStatus) {
  struct Row {
    schema::ErrorCode code;
    std::string message;
    std::string_view type;
    json::value code_field;
  };
  Row rows[] = {
      {schema::ErrorCode::InvalidArgument, "bad", "invalid_request_error", nullptr},
      {schema::ErrorCode::Unauthenticated, "who", "authentication_error", "invalid_api_key"},
      {schema::ErrorCode::PermissionDenied, "no", "permission_error", nullptr},
      {schema::ErrorCode::NotFound, "The model `x` does not exist", "not_found_error",
       "model_not_found"},
      {schema::ErrorCode::NotFound, "no such batch", "not_found_error", nullptr},
      {schema::ErrorCode::PayloadTooLarge, "big", "invalid_request_error", nullptr},
      {schema::ErrorCode::ResourceExhausted, "slow down", "rate_limit_error",
       "rate_limit_exceeded"},
      {schema::ErrorCode::Internal, "oops", "api_error", nullptr},
      {schema::ErrorCode::Overloaded, "busy", "api_error", nullptr},
  };
  for (const Row& row : rows) {
    auto body =
        parse_json(codec().encode_error(schema::Error::make(row.code, row.message), "req_1"));
    const auto& e = body.at("error");
    EXPECT_EQ(e.at("message"), json::value(row.message));
    EXPECT_EQ(e.at("type"), json::value(row.type)) << row.message;
    EXPECT_EQ(e.at("code"), row.code_field) << row.message;
    EXPECT_TRUE(e.at("param").is_null());
  }
  std::string frame =
      codec().encode_stream_error(schema::Error::make(schema::ErrorCode::Internal, "x"));
  EXPECT_EQ(frame.rfind("data: {\"error\":", 0), 0u);
  EXPECT_EQ(frame.substr(frame.size() - 2), "\n\n");
}

}  // namespace
}  // namespace heimdall::dialects
