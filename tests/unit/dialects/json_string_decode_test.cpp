#include "dialects/json_string_decode.hpp"

#include "dialects/json_object_reader.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <string>

namespace heimdall::dialects {
namespace {

std::string decoded(std::string_view token) {
  std::string out;
  append_decoded_json_string(out, token);
  return out;
}

TEST(JsonStringDecodeTest, DecodesEveryEscape) {
  EXPECT_EQ(decoded(R"("")"), "");
  EXPECT_EQ(decoded(R"("plain")"), "plain");
  EXPECT_EQ(decoded(R"("a\"b\\c\/d\be\ff\ng\rh\ti")"), "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_EQ(decoded(R"("\u0041\u00e9\u20AC\ud83d\ude00")"),
            "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(decoded(R"("\u0000")"), std::string(1, '\0'));
  EXPECT_EQ(decoded("\"h\xC3\xA9llo \\n\""), "h\xC3\xA9llo \n");
}

// Random strings of plain text, UTF-8 and every kind of escape, against simdjson's get_string.
TEST(JsonStringDecodeTest, AgreesWithSimdjson) {
  const std::string pieces[] = {"a",
                                "Z",
                                " ",
                                "\xC3\xA9",
                                "\xE2\x82\xAC",
                                "\xF0\x9F\x98\x80",
                                "\\\"",
                                "\\\\",
                                "\\/",
                                "\\b",
                                "\\f",
                                "\\n",
                                "\\r",
                                "\\t",
                                "\\u0000",
                                "\\u001f",
                                "\\u00E9",
                                "\\uFFFF",
                                "\\ud800\\udc00",
                                "\\uDBFF\\uDFFF"};
  std::mt19937 random(11);
  simdjson::dom::parser parser;
  for (int i = 0; i < 5'000; ++i) {
    std::string token = "\"";
    const size_t count = random() % 24;
    for (size_t k = 0; k < count; ++k) token += pieces[random() % std::size(pieces)];
    token += '"';
    const std::string object = "{\"k\":" + token + "}";
    JsonObjectReader reader(object);
    JsonMember member;
    ASSERT_TRUE(reader.next(member)) << token;  // the decoder's precondition
    std::string_view expected;
    ASSERT_EQ(parser.parse(simdjson::padded_string(token)).get_string().get(expected),
              simdjson::SUCCESS)
        << token;
    EXPECT_EQ(decoded(token), expected) << token;
  }
}

}  // namespace
}  // namespace heimdall::dialects
