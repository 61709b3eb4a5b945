// json_text writes what boost::json::serialize writes: the codecs switched to it for speed, and
// golden bodies, caches and callers comparing bytes must not see a difference.
#include "dialects/json_text.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <charconv>
#include <string>
#include <string_view>

namespace heimdall::dialects {
namespace {

std::string written(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonTextTest, EscapesEveryByteLikeBoostAtEveryAlignment) {
  // The scanner reads eight bytes at a time: put each byte value at each offset of a word, in
  // strings long enough to take both the word loop and the byte tail.
  for (int c = 0; c < 256; ++c) {
    for (size_t at = 0; at < 19; ++at) {
      std::string s(19, 'a');
      s[at] = static_cast<char>(c);
      ASSERT_EQ(written(s), boost::json::serialize(boost::json::string(s))) << c << " at " << at;
    }
  }
}

TEST(JsonTextTest, FindsTheFirstSpecialByteInStringsOfEveryLength) {
  // Lengths up to three blocks take every path of the scanner: bytes one by one, a word made of
  // the first and last four bytes, overlapping words, overlapping sixteen-byte blocks. A later
  // special byte must not hide an earlier one, nor a byte past the end count.
  const std::string specials = std::string("\"\\\n\x01\x1f", 5) + std::string(1, '\0');
  for (size_t n = 0; n <= 48; ++n) {
    for (size_t at = 0; at < n; ++at) {
      for (const char c : specials) {
        std::string s(n, 'a');
        s[at] = c;
        ASSERT_EQ(written(s), boost::json::serialize(boost::json::string(s))) << n << " " << at;
        s[n - 1] = '"';
        ASSERT_EQ(written(s), boost::json::serialize(boost::json::string(s))) << n << " " << at;
      }
    }
    const std::string plain(n, '\x7f');
    ASSERT_EQ(written(plain), '"' + plain + '"');
  }
}

TEST(JsonTextTest, PassesHighBytesAndInvalidUtf8Through) {
  // Bytes of 0x80 and above are never escaped, valid UTF-8 or not: what came in goes out.
  std::string s;
  for (int c = 0x80; c < 0x100; ++c) {
    s.push_back(static_cast<char>(c));
  }
  EXPECT_EQ(written(s), '"' + s + '"');
  EXPECT_EQ(written("\xff\""), "\"\xff\\\"\"");
}

TEST(JsonTextTest, EscapesRunsOfSpecialCharactersLikeBoost) {
  const std::string s = "\"\\\n\r\t\b\f\x01\x1f\x7f — müssen \"quoted\" \\path\\ end";
  EXPECT_EQ(written(s), boost::json::serialize(boost::json::string(s)));
  EXPECT_EQ(written(""), "\"\"");
}

TEST(JsonTextTest, WritesValuesLikeBoostSerialize) {
  const boost::json::value v = boost::json::parse(
      R"({"a":[1,-2,18446744073709551615,-9223372036854775808,0.7,1e300,-0.0,2.5E-8],)"
      R"("b":{"c":null,"d":true,"e":false,"f":"x\ty","g":{}},"h":[],"i":"\u00e9\u2014"})");
  std::string out;
  append_json_value(out, v);
  EXPECT_EQ(out, boost::json::serialize(v));
}

TEST(JsonTextTest, CompactObjectsAreThoseTheWriterWouldWriteAgain) {
  // Accepted text is kept instead of parsed and written again, so it must be exactly what Boost's
  // serializer writes for it.
  for (const std::string_view text :
       {R"({})", R"({"a":1})", R"({"path":"src/http/acceptor.cpp","offset":1,"limit":80})",
        R"({"":0,"a":[true,false,null,-5,0,[],{}],"c":{"d":"x y ~!"}})",
        R"({"n":123456789012345678,"m":-123456789012345678})"}) {
    EXPECT_TRUE(is_compact_json_object(text)) << text;
    EXPECT_EQ(boost::json::serialize(boost::json::parse(text)), text);
  }
  std::string wide = "{";  // more keys than Members keeps inline
  for (int i = 0; i < 17; ++i) {
    wide += (i == 0 ? "\"k" : ",\"k") + std::to_string(i) + "\":1";
  }
  wide += "}";
  const std::string deep = "{\"a\":" + std::string(17, '[') + std::string(17, ']') + "}";
  const std::string_view refused[] = {"",
                                      "{",
                                      "[]",
                                      "1",
                                      R"("a")",
                                      "{ }",
                                      R"({"a": 1})",
                                      R"({"a":1} )",
                                      R"({"a":1}x)",
                                      R"({"a":1.5})",
                                      R"({"a":1e3})",
                                      R"({"a":-0})",
                                      R"({"a":01})",
                                      R"({"a":-})",
                                      R"({"a":1234567890123456789})",
                                      R"({"a":1,"a":2})",
                                      R"({"":1,"":2})",
                                      R"({"a":"\n"})",
                                      R"({"a":"\u0041"})",
                                      "{\"a\":\"\xc3\xa9\"}",
                                      "{\"a\":\"\x7f\"}",
                                      "{\"a\":\"\t\"}",
                                      R"({"a":tru})",
                                      R"({"a":nul})",
                                      R"({"a":[1,]})",
                                      R"({"a":1,})",
                                      R"({"a"})",
                                      R"({a:1})",
                                      std::string_view(wide),
                                      std::string_view(deep)};
  for (const std::string_view text : refused) {
    EXPECT_FALSE(is_compact_json_object(text)) << text;
  }
}

// Sampling knobs take a short path in both number writers: every double it takes is the nearest
// one to some digits / 10^decimals, so these are all of them, and a few it refuses.
template <class Check>
void for_each_sampling_knob(Check check) {
  for (const double scale : {1.0, 10.0, 100.0}) {
    for (int digits = 0; digits <= 100000; ++digits) {
      check(digits / scale);
      check(-digits / scale);
    }
  }
  for (const double d : {0.0, -0.0, 0.001, 0.005, 0.009999, 1e-300, 999.995, 1000.0, 1e300, 0.123,
                         1.0 / 3, 2.675, 5e-324}) {
    check(d);
  }
}

TEST(JsonTextTest, NumbersAreWrittenAsToCharsWritesThem) {
  for_each_sampling_knob([](double d) {
    char expected[32];
    char* expected_end = std::to_chars(expected, expected + sizeof expected, d).ptr;
    std::string out;
    JsonWriter(out).number(d);
    ASSERT_EQ(out, std::string_view(expected, expected_end)) << d;
  });
}

TEST(JsonTextTest, DoublesAreWrittenAsBoostWritesThem) {
  // Boost's scientific spelling (7E-1), which request bodies to OpenAI keep.
  for_each_sampling_knob([](double d) {
    const boost::json::value v(d);
    std::string out;
    append_json_value(out, v);
    ASSERT_EQ(out, boost::json::serialize(v)) << d;
  });
}

}  // namespace
}  // namespace heimdall::dialects
