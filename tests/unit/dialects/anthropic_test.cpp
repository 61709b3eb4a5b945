// Anthropic Messages codec golden cases: one generic test walks tests/data/anthropic/<case>/ and
// round-trips request.json, response.json and stream.sse (or compares with expected_*.json/.sse
// where the codec normalises on purpose). Adding a case means adding files (STYLE.md rule 22).
#include "dialects/anthropic.hpp"

#include "anthropic_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace heimdall::dialects {
namespace {

using namespace anthropic_test;  // NOLINT: test-local helpers
using schema::BlockType;
using schema::ErrorCode;
using schema::SseEvent;
using schema::StreamEvent;
using schema::StreamEventType;

class AnthropicGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AnthropicGoldenTest, RoundTrips) {
  const fs::path dir = kDataDir / GetParam();
  ASSERT_TRUE(fs::exists(dir / "README")) << "every case documents itself (STYLE.md rule 22)";
  const Codec& codec = anthropic_codec();
  bool checked = false;

  if (fs::exists(dir / "request.json")) {
    checked = true;
    const std::string body = read_file(dir / "request.json");
    auto req = codec.decode_request(body);
    ASSERT_TRUE(req.has_value()) << req.error().message;
    EXPECT_EQ(req->origin, schema::Dialect::Anthropic);
    TranslationContext ctx;
    const std::string encoded = codec.encode_request(*req, ctx);
    const fs::path expected = dir / "expected_request.json";
    EXPECT_TRUE(json_equal(encoded, fs::exists(expected) ? read_file(expected) : body));
    // Encoding is a fixed point: decoding our own output gives the same bytes back.
    auto again = codec.decode_request(encoded);
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_EQ(codec.encode_request(*again, ctx), encoded);
  }
  if (fs::exists(dir / "response.json")) {
    checked = true;
    const std::string body = read_file(dir / "response.json");
    TranslationContext ctx;
    auto resp = codec.decode_response(body, ctx);
    ASSERT_TRUE(resp.has_value()) << resp.error().message;
    const fs::path expected = dir / "expected_response.json";
    EXPECT_TRUE(json_equal(codec.encode_response(*resp),
                           fs::exists(expected) ? read_file(expected) : body));
  }
  if (fs::exists(dir / "stream.sse")) {
    checked = true;
    const auto input = split_sse(read_file(dir / "stream.sse"));
    const auto events = decode_stream(input);
    const std::string encoded = encode_stream(events);
    const fs::path expected_path = dir / "expected_stream.sse";
    const auto expected = fs::exists(expected_path) ? split_sse(read_file(expected_path)) : input;
    const auto actual = split_sse(encoded);
    ASSERT_EQ(actual.size(), expected.size()) << encoded;
    for (size_t i = 0; i < actual.size(); ++i) {
      EXPECT_EQ(actual[i].event, expected[i].event) << "frame " << i;
      EXPECT_TRUE(json_equal(actual[i].data, expected[i].data)) << "frame " << i;
    }
  }
  EXPECT_TRUE(checked) << "case has no request.json, response.json or stream.sse";
}

INSTANTIATE_TEST_SUITE_P(Cases, AnthropicGoldenTest, ::testing::ValuesIn(golden_cases()),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace_if(
                               n.begin(), n.end(), [](char c) { return !std::isalnum(c); }, '_');
                           return n;
                         });

TEST(AnthropicGoldenSuite, HasCases) { EXPECT_GE(golden_cases().size(), 20u); }

}  // namespace
}  // namespace heimdall::dialects
