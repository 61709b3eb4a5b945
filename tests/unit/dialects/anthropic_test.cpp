// Anthropic Messages codec: golden round trips over tests/data/anthropic/<case>/ plus targeted
// tests for validation messages, error mapping, stream rules (anthropic.md §4.2/§4.3) and garbage
// input. Self-contained on purpose: it needs only the codec and the schema, not the http layer's
// SSE parser.
#include "dialects/anthropic.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace heimdall::dialects {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using schema::BlockType;
using schema::ErrorCode;
using schema::SseEvent;
using schema::StreamEvent;
using schema::StreamEventType;

const fs::path kDataDir = fs::path(HEIMDALL_TEST_DATA_DIR) / "anthropic";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Structural JSON equality where 1 and 1.0 are the same number (the codec writes shortest forms).
// Returns an empty string when equal, else the path of the first difference.
std::string json_diff(const json::value& a, const json::value& b, const std::string& path = "$") {
  if (a.is_number() && b.is_number()) {
    return a.to_number<double>() == b.to_number<double>() ? "" : path;
  }
  if (a.kind() != b.kind()) {
    return path + " (kind)";
  }
  if (a.is_object()) {
    const auto& ao = a.get_object();
    const auto& bo = b.get_object();
    for (const auto& kv : ao) {
      auto it = bo.find(kv.key());
      if (it == bo.end()) {
        return path + "." + std::string(kv.key()) + " (missing on right)";
      }
      if (auto d = json_diff(kv.value(), it->value(), path + "." + std::string(kv.key()));
          !d.empty()) {
        return d;
      }
    }
    for (const auto& kv : bo) {
      if (!ao.contains(kv.key())) {
        return path + "." + std::string(kv.key()) + " (missing on left)";
      }
    }
    return "";
  }
  if (a.is_array()) {
    const auto& aa = a.get_array();
    const auto& ba = b.get_array();
    if (aa.size() != ba.size()) {
      return path + " (array size " + std::to_string(aa.size()) + " vs " +
             std::to_string(ba.size()) + ")";
    }
    for (size_t i = 0; i < aa.size(); ++i) {
      if (auto d = json_diff(aa[i], ba[i], path + "[" + std::to_string(i) + "]"); !d.empty()) {
        return d;
      }
    }
    return "";
  }
  return a == b ? "" : path;
}

::testing::AssertionResult json_equal(std::string_view actual, std::string_view expected) {
  boost::system::error_code ec1, ec2;
  auto a = json::parse(actual, ec1);
  auto b = json::parse(expected, ec2);
  if (ec1) {
    return ::testing::AssertionFailure() << "actual is not JSON: " << actual;
  }
  if (ec2) {
    return ::testing::AssertionFailure() << "expected is not JSON: " << expected;
  }
  if (auto d = json_diff(a, b); !d.empty()) {
    return ::testing::AssertionFailure()
           << "differs at " << d << "\n actual:   " << json::serialize(a)
           << "\n expected: " << json::serialize(b);
  }
  return ::testing::AssertionSuccess();
}

// Minimal SSE splitter for test data: frames separated by a blank line, `event:` and `data:`
// fields.
std::vector<SseEvent> split_sse(std::string_view text) {
  std::vector<SseEvent> out;
  SseEvent cur;
  bool has = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      nl = text.size();
    }
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      if (has) {
        out.push_back(std::move(cur));
      }
      cur = {};
      has = false;
    } else if (line.rfind("event:", 0) == 0) {
      cur.event = std::string(line.substr(line.find_first_not_of(' ', 6)));
      has = true;
    } else if (line.rfind("data:", 0) == 0) {
      const auto start = line.size() > 5 && line[5] == ' ' ? 6 : 5;
      if (!cur.data.empty()) {
        cur.data.push_back('\n');
      }
      cur.data.append(line.substr(start));
      has = true;
    }
    pos = nl + 1;
  }
  if (has) {
    out.push_back(std::move(cur));
  }
  return out;
}

std::vector<StreamEvent> decode_stream(const std::vector<SseEvent>& frames, bool finish = true) {
  TranslationContext ctx;
  auto dec = anthropic_codec().make_stream_decoder(ctx);
  std::vector<StreamEvent> events;
  for (const auto& f : frames) {
    dec->feed(f, events);
  }
  if (finish) {
    dec->finish(events);
  }
  return events;
}

std::string encode_stream(const std::vector<StreamEvent>& events, std::string model = {}) {
  StreamEncoderOptions opts;
  opts.model = std::move(model);
  auto enc = anthropic_codec().make_stream_encoder(opts);
  std::string out;
  for (const auto& e : events) {
    enc->encode(e, out);
  }
  return out;
}

// --- golden cases -------------------------------------------------------------------------------

std::vector<std::string> golden_cases() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kDataDir, ec)) {
    if (entry.is_directory()) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

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
