#include "dialects/json_object_reader.hpp"

#include "byte_mutations.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace heimdall::dialects {
namespace {

using Status = JsonObjectReader::Status;

struct Read {
  std::vector<JsonMember> members;
  Status status;
};

Read read_all(std::string_view text) {
  Read read;
  JsonObjectReader reader(text);
  for (JsonMember member; reader.next(member);) read.members.push_back(member);
  read.status = reader.status();
  return read;
}

TEST(JsonObjectReaderTest, GivesEachMembersKeyAndWholeValueToken) {
  const std::string text =
      " {\"model\" : \"m\",\"messages\":[{\"role\":\"user\",\"content\":\"} ] \\\"\"}] ,"
      "\"n\":-1.5e+3,\"t\":true,\"f\":false,\"z\":null,\"o\":{},\"k\\u0065y\":[] }\n";
  const Read read = read_all(text);
  ASSERT_EQ(read.status, Status::kEnd);
  ASSERT_EQ(read.members.size(), 8u);
  const std::vector<std::pair<std::string_view, std::string_view>> expected = {
      {"model", "\"m\""}, {"messages", "[{\"role\":\"user\",\"content\":\"} ] \\\"\"}]"},
      {"n", "-1.5e+3"},   {"t", "true"},
      {"f", "false"},     {"z", "null"},
      {"o", "{}"},        {"k\\u0065y", "[]"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(read.members[i].key, expected[i].first);
    EXPECT_EQ(read.members[i].value, expected[i].second);
    EXPECT_EQ(read.members[i].key_escaped, i == 7) << i;
  }
}

TEST(JsonObjectReaderTest, AcceptsEveryValidShape) {
  for (std::string text : {
           "{}",
           " { } ",
           "{\"a\":[]}",
           "{\"a\":[[],[{}],{\"b\":[1,2,{\"c\":null}]}]}",
           "{\"a\":0}",
           "{\"a\":-0.0e-0}",
           "{\"a\":10E+2}",
           "{\"a\":123.456}",
           "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"}",
           "{\"a\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\"}",
           "{\"a\":\"0123456789abcdef0123456789abcdef\xC3\xA9\"}",
           "\t\r\n{\"a\"\n:\r1\t}\n",
       }) {
    EXPECT_EQ(read_all(text).status, Status::kEnd) << text;
  }
}

TEST(JsonObjectReaderTest, RefusesInvalidObjects) {
  for (std::string text : {
           "",
           "{",
           "}",
           "{}x",
           "{}{}",
           "{\"a\":1,}",
           "{,}",
           "{\"a\" 1}",
           "{\"a\":1 \"b\":2}",
           "{a:1}",
           "{\"a\":}",
           "{\"a\":",
           "{\"a\":01}",
           "{\"a\":1.}",
           "{\"a\":.5}",
           "{\"a\":-}",
           "{\"a\":1e}",
           "{\"a\":+1}",
           "{\"a\":tru}",
           "{\"a\":nul}",
           "{\"a\":True}",
           "{\"a\":\"unterminated}",
           "{\"a\":\"x\\\"}",
           "{\"a\":\"\\x\"}",
           "{\"a\":\"\\u12G4\"}",
           "{\"a\":\"\\u12\"}",
           "{\"a\":\"tab\there\"}",
           "{\"a\":\"\\uDC00\"}",
           "{\"a\":\"\\uD800\"}",
           "{\"a\":\"\\uD800\\u0041\"}",
           "{\"a\":\"\xC0\xAF\"}",          // overlong
           "{\"a\":\"\xED\xA0\x80\"}",      // encoded surrogate
           "{\"a\":\"\xF4\x90\x80\x80\"}",  // above U+10FFFF
           "{\"a\":\"\xC3\"}",              // cut sequence
           "{\"a\":\"\xFF\"}",
           "{\"a\":1}\xC3\xA9",
           // Nested values: brackets must balance and strings end.
           "{\"a\":[1,2}",
           "{\"a\":[}",
           "{\"a\":{\"b\":[]}",
           "{\"a\":[\"]\"}",
           "{\"a\":[\"\\\"]}",
           "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]}",
       }) {
    EXPECT_EQ(read_all(text).status, Status::kInvalid) << text;
  }
}

// Nested values are crossed by their strings and brackets only; the provider validates them and

// Nested values are crossed by one of two kernels (AVX2 where the CPU has it, else SSE2): the tests
// of nested values run with each.
class JsonObjectReaderKernelTest : public testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (JsonObjectReader::use_avx2_for_test(GetParam()) != GetParam()) {
      GTEST_SKIP() << "this CPU has no AVX2";
    }
  }
  void TearDown() override { JsonObjectReader::use_avx2_for_test(true); }
};

INSTANTIATE_TEST_SUITE_P(Kernels, JsonObjectReaderKernelTest, testing::Values(false, true),
                         [](const testing::TestParamInfo<bool>& info) {
                           return info.param ? "Avx2" : "Sse2";
                         });

// answers in the caller's dialect.
TEST_P(JsonObjectReaderKernelTest, LeavesTheInsideOfNestedValuesToTheProvider) {
  const std::string text =
      "{\"a\":[1 2,,{\"b\"}],\"c\":{\"d\":tru,\"e\":[01,\"\x01\\q\"]},\"f\":1}";
  const Read read = read_all(text);
  ASSERT_EQ(read.status, Status::kEnd);
  ASSERT_EQ(read.members.size(), 3u);
  EXPECT_EQ(read.members[1].value, "{\"d\":tru,\"e\":[01,\"\x01\\q\"]}");
}

TEST(JsonObjectReaderTest, TellsValidNonObjectsFromNonJson) {
  for (std::string text : {"[1,2]", " \"s\" ", "3", "null", "[{}]"}) {
    EXPECT_EQ(read_all(text).status, Status::kNotObject) << text;
  }
  for (std::string text : {"[1,2", "nul", "\"s", "[]]"}) {
    EXPECT_EQ(read_all(text).status, Status::kInvalid) << text;
  }
}

TEST_P(JsonObjectReaderKernelTest, CrossesAnyDepthWithoutRecursion) {
  const auto nested = [](size_t open, size_t close) {
    return "{\"a\":" + std::string(open, '[') + std::string(close, ']') + "}";
  };
  EXPECT_EQ(read_all(nested(1'000'000, 1'000'000)).status, Status::kEnd);
  EXPECT_EQ(read_all(nested(1'000'000, 999'999)).status, Status::kInvalid);
}

// Escapes and strings that cross the 64-byte blocks nested values are read in, and nested values
// that end in a partial block (read as the text's last 64 bytes when the value is that long).
TEST_P(JsonObjectReaderKernelTest, FollowsStringsAcrossBlocks) {
  for (size_t pad = 0; pad < 140; ++pad) {
    const std::string filler(pad, 'x');
    const std::string text = "{\"a\":[\"" + filler + "\\\\\",\"" + filler + "\\\"]\\\\\"],\"b\":1}";
    const Read read = read_all(text);
    ASSERT_EQ(read.status, Status::kEnd) << text;
    ASSERT_EQ(read.members.size(), 2u) << text;
    EXPECT_EQ(read.members[1].key, "b");
  }
}

// What simdjson's full parser reads from `text`: nullopt when it refuses it, else whether it is an
// object and its keys.
struct SimdjsonRead {
  bool object = false;
  std::vector<std::string> keys;
};
std::optional<SimdjsonRead> simdjson_read(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(text)).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  SimdjsonRead read;
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return read;
  read.object = true;
  for (auto field : object) read.keys.emplace_back(field.key);
  return read;
}

// Mutations of valid bodies, byte by byte, against simdjson: the reader must accept every text
// simdjson accepts, with the same keys (it accepts more: it does not look inside nested values).
// tests/fuzz/body_peek_fuzz.cpp checks the peek's reading against simdjson's.
TEST_P(JsonObjectReaderKernelTest, AgreesWithSimdjsonOnMutatedBodies) {
  const std::vector<std::string> seeds = {
      R"({"model":"claude-x","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"héllo \"w\" \u00e9 €"}]}],"temperature":0.7,"stop":null})",
      R"({"messages":[{"role":"assistant","content":"x","tool_calls":[{"id":"c1","function":{"arguments":"{\"a\":[1,-2.5e3,true]}"}}]}],"model":"gpt","stream":false})",
      "{\"a\":[[],{},[{\"b\":{\"c\":[0,1e2,\"\\ud83d\\ude00\"]}}]],\"model\":\"m\\u0031\"}",
  };
  const std::string alphabet = "{}[]\",:\\ 0123456789eE.-+tfnulx\t\n\x01\xC3\xA9\xE2\x82\xAC\xFF";
  std::mt19937 random(20261130);
  size_t accepted = 0, refused = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[random() % seeds.size()];
    test::mutate_bytes(text, random, alphabet, 4);
    const Read read = read_all(text);
    const auto expected = simdjson_read(text);
    if (read.status == Status::kInvalid) {
      ++refused;
      ASSERT_FALSE(expected.has_value()) << text;
      continue;
    }
    if (!expected) continue;
    ++accepted;
    ASSERT_EQ(read.status == Status::kEnd, expected->object) << text;
    if (!expected->object) continue;
    ASSERT_EQ(read.members.size(), expected->keys.size()) << text;
    for (size_t i = 0; i < expected->keys.size(); ++i) {
      if (!read.members[i].key_escaped) {
        ASSERT_EQ(read.members[i].key, expected->keys[i]) << text;
      }
    }
  }
  // The mutations must exercise both answers for the comparison to mean anything.
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(refused, 1000u);
}

}  // namespace
}  // namespace heimdall::dialects
