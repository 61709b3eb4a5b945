// Cross-dialect translation: Anthropic ↔ OpenAI Chat through the canonical model, the rules of
// anthropic.md §6.1–§6.3 checked end to end with both codecs (tests/data/translation/<case>/).
//
// Inputs and what they must become (every file optional; a README line per case):
//   anthropic_request.json  anthropic decode → openai encode  = expected_openai_request.json
//   (exact) openai_request.json     openai decode → anthropic encode  ⊇
//   expected_anthropic_request.json openai_response.json    openai decode → anthropic encode  ⊇
//   expected_anthropic_response.json anthropic_response.json anthropic decode → openai encode  =
//   expected_openai_response.json openai_stream.sse       openai decoder → anthropic encoder:
//   frames ⊇ expected_anthropic_stream.sse anthropic_stream.sse    anthropic decoder → openai
//   encoder = expected_openai_stream.sse
// "⊇": the Anthropic codec's output must contain every field of the expected file (its optional
// fields are its own business); OpenAI output, which this suite's owner writes, must match exactly.
// The TranslationContext produced by encoding anthropic_request.json (tool-name rewrites) is the
// one used to decode that case's OpenAI response and stream, as the engine does.
#include "dialects/anthropic.hpp"
#include "dialects/openai_chat.hpp"

#include "translation_test_support.hpp"

#include <gtest/gtest.h>

#include <set>

namespace heimdall::dialects {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test::parse_json;
using test::read_file;

const Codec& anthropic() { return anthropic_codec(); }
const Codec& openai() { return openai_chat_codec(); }

std::string json_text(const json::value& v) { return json::serialize(v); }

void expect_exact(const fs::path& want_file, std::string_view actual, const std::string& what) {
  test::write_missing_golden(want_file, actual);
  if (!test::exists(want_file)) {
    ADD_FAILURE() << what << ": missing " << want_file << "\ngot " << actual;
    return;
  }
  json::value a = parse_json(read_file(want_file));
  json::value b = parse_json(actual);
  test::zero_created(a);
  test::zero_created(b);
  EXPECT_TRUE(test::json_equal(a, b))
      << what << "\nwant " << json_text(a) << "\ngot  " << json_text(b);
}

void expect_subset(const fs::path& want_file, std::string_view actual, const std::string& what) {
  if (!test::exists(want_file)) {
    ADD_FAILURE() << what << ": missing " << want_file << "\ngot " << actual;
    return;
  }
  std::string why;
  EXPECT_TRUE(test::json_subset(parse_json(read_file(want_file)), parse_json(actual), "$", why))
      << what << ": " << why << "\ngot " << actual;
}

// Keep-alive pings carry no content; their placement is the encoder's choice.
std::vector<schema::SseEvent> without_pings(std::vector<schema::SseEvent> frames) {
  std::erase_if(frames, [](const schema::SseEvent& e) { return e.event == "ping"; });
  return frames;
}

void expect_sse_subset(const fs::path& want_file, std::string_view actual,
                       const std::string& what) {
  if (!test::exists(want_file)) {
    ADD_FAILURE() << what << ": missing " << want_file << "\ngot\n" << actual;
    return;
  }
  auto want = without_pings(test::split_sse(read_file(want_file)));
  auto got = without_pings(test::split_sse(actual));
  ASSERT_EQ(want.size(), got.size()) << what << "\ngot\n" << actual;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].event, got[i].event) << what << " frame " << i;
    std::string why;
    EXPECT_TRUE(test::json_subset(parse_json(want[i].data), parse_json(got[i].data), "$", why))
        << what << " frame " << i << ": " << why << "\ngot " << got[i].data;
  }
}

void expect_sse_exact(const fs::path& want_file, std::string_view actual, const std::string& what) {
  test::write_missing_golden(want_file, actual);
  if (!test::exists(want_file)) {
    ADD_FAILURE() << what << ": missing " << want_file << "\ngot\n" << actual;
    return;
  }
  auto want = test::split_sse(read_file(want_file));
  auto got = test::split_sse(actual);
  ASSERT_EQ(want.size(), got.size()) << what << "\ngot\n" << actual;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].event, got[i].event) << what << " frame " << i;
    json::value a = parse_json(want[i].data);
    json::value b = parse_json(got[i].data);
    test::zero_created(a);
    test::zero_created(b);
    EXPECT_TRUE(test::json_equal(a, b))
        << what << " frame " << i << "\nwant " << want[i].data << "\ngot  " << got[i].data;
  }
}

// Runs `sse` through `from`'s decoder and `to`'s encoder; the canonical events must keep the
// invariants of schema/stream.hpp.
std::string translate_stream(const Codec& from, const Codec& to, std::string_view sse,
                             const TranslationContext& ctx, const std::string& what) {
  auto decoder = from.make_stream_decoder(ctx);
  std::vector<schema::StreamEvent> events;
  for (const auto& e : test::split_sse(sse)) {
    decoder->feed(e, events);
  }
  decoder->finish(events);
  EXPECT_EQ(test::check_invariants(events), "") << what << "\n" << test::dump_events(events);
  StreamEncoderOptions options;
  options.include_usage = true;
  auto encoder = to.make_stream_encoder(options);
  std::string out;
  for (const auto& e : events) {
    encoder->encode(e, out);
  }
  return out;
}

TEST(TranslationTest, EveryCase) {
  auto cases = test::case_dirs(test::data_dir("translation"));
  ASSERT_FALSE(cases.empty());
  for (const fs::path& dir : cases) {
    std::string name = dir.filename().string();
    SCOPED_TRACE(name);
    EXPECT_TRUE(test::exists(dir / "README")) << name;
    TranslationContext ctx;

    if (test::exists(dir / "anthropic_request.json")) {
      auto request = anthropic().decode_request(read_file(dir / "anthropic_request.json"));
      ASSERT_TRUE(request) << name << ": " << request.error().message;
      ctx.requested_model = request->model;  // what the engine records for the answer to echo
      expect_exact(dir / "expected_openai_request.json", openai().encode_request(*request, ctx),
                   name + " anthropic→openai request");
    }
    if (test::exists(dir / "openai_request.json")) {
      auto request = openai().decode_request(read_file(dir / "openai_request.json"));
      ASSERT_TRUE(request) << name << ": " << request.error().message;
      TranslationContext reverse;
      expect_subset(dir / "expected_anthropic_request.json",
                    anthropic().encode_request(*request, reverse),
                    name + " openai→anthropic request");
    }
    if (test::exists(dir / "openai_response.json")) {
      auto response = openai().decode_response(read_file(dir / "openai_response.json"), ctx);
      ASSERT_TRUE(response) << name << ": " << response.error().message;
      expect_subset(dir / "expected_anthropic_response.json",
                    anthropic().encode_response(*response), name + " openai→anthropic response");
    }
    if (test::exists(dir / "anthropic_response.json")) {
      auto response = anthropic().decode_response(read_file(dir / "anthropic_response.json"), ctx);
      ASSERT_TRUE(response) << name << ": " << response.error().message;
      expect_exact(dir / "expected_openai_response.json", openai().encode_response(*response),
                   name + " anthropic→openai response");
    }
    if (test::exists(dir / "openai_stream.sse")) {
      std::string out =
          translate_stream(openai(), anthropic(), read_file(dir / "openai_stream.sse"), ctx, name);
      expect_sse_subset(dir / "expected_anthropic_stream.sse", out,
                        name + " openai→anthropic stream");
    }
    if (test::exists(dir / "anthropic_stream.sse")) {
      std::string out = translate_stream(anthropic(), openai(),
                                         read_file(dir / "anthropic_stream.sse"), ctx, name);
      expect_sse_exact(dir / "expected_openai_stream.sse", out, name + " anthropic→openai stream");
    }
  }
}

// Checklist 29: every translated answer gets its own msg_ id, even when the upstream sent none.
TEST(TranslationTest, ResponseIdsAreAnthropicShapedAndUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    auto r = openai().decode_response(
        R"({"choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}]})",
        TranslationContext{});
    ASSERT_TRUE(r);
    auto body = parse_json(anthropic().encode_response(*r));
    std::string id(body.at("id").as_string());
    EXPECT_EQ(id.rfind("msg_", 0), 0u) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

// Checklist 62: reasoning translated from a non-Claude model comes back unsigned in the caller's
// history; it must not reach an Anthropic upstream (which rejects empty signatures) nor break an
// OpenAI one.
TEST(TranslationTest, UnsignedThinkingFromHistoryIsDropped) {
  auto request = anthropic().decode_request(R"({"model":"m","max_tokens":100,"messages":[
    {"role":"user","content":"q"},
    {"role":"assistant","content":[{"type":"thinking","thinking":"from gpt","signature":""},
                                   {"type":"text","text":"a"}]},
    {"role":"user","content":"q2"}]})");
  ASSERT_TRUE(request) << request.error().message;
  TranslationContext ctx;
  auto openai_body = parse_json(openai().encode_request(*request, ctx));
  EXPECT_EQ(json_text(openai_body.at("messages").at(1)), R"({"role":"assistant","content":"a"})");
  auto anthropic_body = parse_json(anthropic().encode_request(*request, ctx));
  const auto& content = anthropic_body.at("messages").at(1).at("content");
  std::string text = json_text(content);
  EXPECT_EQ(text.find("\"thinking\""), std::string::npos) << text;
}

// Tool schemas are kept as text, not parsed values: an OpenAI schema without "type" gets
// "type":"object" last (as a Boost.JSON object inserting it did), one with it and any schema going
// back to its own dialect are written byte for byte, duplicate keys folded to the last value.
TEST(TranslationTest, ToolSchemasKeepTheirBytesAndGainATypeForAnthropic) {
  auto request = openai().decode_request(R"({"model":"m","messages":[{"role":"user","content":"q"}],
    "tools":[{"type":"function","function":{"name":"a","parameters":{"properties":{"x":{"enum":[1.5,"\u00e9\n"]}},"required":[]}}},
             {"type":"function","function":{"name":"b","parameters":{}}},
             {"type":"function","function":{"name":"c","parameters":{"type":"object","k":1,"k":2}}},
             {"type":"function","function":{"name":"d"}}]})");
  ASSERT_TRUE(request) << request.error().message;
  TranslationContext ctx;
  const std::string anthropic_body = anthropic().encode_request(*request, ctx);
  for (
      const char* schema :
      {R"("input_schema":{"properties":{"x":{"enum":[1.5E0,"é\n"]}},"required":[],"type":"object"})",
       R"("input_schema":{"type":"object"})", R"("input_schema":{"type":"object","k":2})",
       R"("input_schema":{"type":"object","properties":{}})"}) {
    EXPECT_NE(anthropic_body.find(schema), std::string::npos) << schema << "\n" << anthropic_body;
  }
  const std::string openai_body = openai().encode_request(*request, ctx);
  for (const char* schema :
       {R"("parameters":{"properties":{"x":{"enum":[1.5E0,"é\n"]}},"required":[]})",
        R"("parameters":{})", R"("parameters":{"type":"object","k":2})"}) {
    EXPECT_NE(openai_body.find(schema), std::string::npos) << schema << "\n" << openai_body;
  }
}

// Errors keep the upstream's message and land in the caller's dialect with the status its SDK
// retries on (checklist 91–93).
TEST(TranslationTest, UpstreamOpenAiErrorsBecomeAnthropicErrors) {
  auto e429 = openai().decode_error(
      429,
      R"({"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}})");
  auto body = parse_json(anthropic().encode_error(e429, "req_1"));
  EXPECT_EQ(body.at("type"), json::value("error"));
  EXPECT_EQ(body.at("error").at("type"), json::value("rate_limit_error"));
  EXPECT_NE(json_text(body).find("Rate limit reached"), std::string::npos);
  EXPECT_EQ(schema::http_status(e429), 429);

  auto e400 = openai().decode_error(
      400, R"({"error":{"message":"Invalid 'messages[1]'","type":"invalid_request_error"}})");
  body = parse_json(anthropic().encode_error(e400, "req_2"));
  EXPECT_EQ(body.at("error").at("type"), json::value("invalid_request_error"));
  EXPECT_NE(json_text(body).find("Invalid 'messages[1]'"), std::string::npos);

  auto e500 = openai().decode_error(500, R"({"error":{"message":"boom","type":"server_error"}})");
  body = parse_json(anthropic().encode_error(e500, "req_3"));
  EXPECT_EQ(body.at("error").at("type"), json::value("api_error"));
  EXPECT_EQ(schema::http_status(e500), 500);

  // OpenAI's real 401 says invalid_request_error; an Anthropic SDK must see authentication_error.
  auto e401 = openai().decode_error(
      401,
      R"({"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}})");
  body = parse_json(anthropic().encode_error(e401, "req_4"));
  EXPECT_EQ(body.at("error").at("type"), json::value("authentication_error"));
}

}  // namespace
}  // namespace heimdall::dialects
