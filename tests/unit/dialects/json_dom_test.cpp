// JsonDocument reuses one simdjson parser per thread and must behave like a fresh parse whatever
// came before it; to_boost must give the value Boost.JSON's own parser gives, and
// append_json_element the text it serialises to, since kept JSON is re-encoded byte for byte.
#include "dialects/json_dom.hpp"
#include "dialects/json_text.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace heimdall::dialects {
namespace {

namespace dom = simdjson::dom;

std::string via_dom(std::string_view text, size_t max_depth = 64) {
  const JsonDocument doc(text, max_depth);
  if (!doc.root()) {
    return "invalid";
  }
  std::string direct;
  append_json_element(direct, *doc.root());
  EXPECT_EQ(direct, boost::json::serialize(to_boost(*doc.root())));
  return direct;
}

TEST(JsonDomTest, ReusedParserHandlesDocumentsOfEverySize) {
  // Large, then small, then large again: stale tape or text from a bigger document must not leak
  // into a smaller one.
  std::string big = R"({"items":[)";
  for (int i = 0; i < 5000; ++i) {
    big += (i == 0 ? "" : ",") + std::string(R"({"n":)") + std::to_string(i) + R"(,"s":"x"})";
  }
  big += "]}";
  for (const std::string& text : {big, std::string(R"({"a":1})"), std::string("[true]"), big}) {
    EXPECT_EQ(via_dom(text), boost::json::serialize(boost::json::parse(text)));
  }
}

TEST(JsonDomTest, AnOversizedDocumentDropsTheThreadsBuffers) {
  const std::string normal = R"({"s":")" + std::string(32 * 1024, 'x') + R"("})";
  { JsonDocument doc(normal, 32); }
  const size_t kept = JsonDocument::kept_bytes_for_test();
  EXPECT_GE(kept, normal.size());  // the next normal body reuses them
  const std::string huge = R"({"s":")" + std::string(1 << 20, 'x') + R"("})";
  { JsonDocument doc(huge, 32); }  // on the parser `normal` used, which has this depth limit
  EXPECT_LE(JsonDocument::kept_bytes_for_test() + normal.size(), kept);
}

TEST(JsonDomTest, EachDepthLimitKeepsItsParser) {
  // A translated exchange parses the caller's body at one limit and the answer at another: the
  // answer must not take (and shrink) the parser the body left.
  const std::string body = R"({"s":")" + std::string(32 * 1024, 'x') + R"("})";
  { JsonDocument doc(body, 32); }
  const size_t kept = JsonDocument::kept_bytes_for_test();
  { JsonDocument doc(R"({"answer":1})", 64); }
  EXPECT_GE(JsonDocument::kept_bytes_for_test(), kept);
  EXPECT_EQ(via_dom(body, 32), body);
}

TEST(JsonDomTest, ReadsInputThatEndsWithoutPadding) {
  // The text is copied before parsing, so a view that ends at an allocation's last byte is fine.
  const std::string storage = R"({"model":"m"})";
  const std::string_view exact(storage.data(), storage.size());
  EXPECT_EQ(via_dom(exact), R"({"model":"m"})");
  // A view of a prefix must not see the bytes after it.
  EXPECT_EQ(via_dom(std::string_view(storage).substr(0, 5)), "invalid");
}

TEST(JsonDomTest, NestedDocumentsOnOneThreadStayIndependent) {
  const JsonDocument outer(R"({"outer":"kept"})", 64);
  {
    const JsonDocument inner(R"({"inner":[1,2,3]})", 64);
    ASSERT_TRUE(inner.root());
    EXPECT_EQ(boost::json::serialize(to_boost(*inner.root())), R"({"inner":[1,2,3]})");
  }
  ASSERT_TRUE(outer.root());
  dom::object o = outer.root()->get_object().value_unsafe();
  EXPECT_EQ(get_string(o, "outer").value_or(""), "kept");
}

TEST(JsonDomTest, DuplicateKeysFoldLikeBoost) {
  const std::string text = R"({"a":1,"b":2,"a":{"x":[1,{"y":1,"y":2}]},"c":3})";
  EXPECT_EQ(via_dom(text), boost::json::serialize(boost::json::parse(text)));
  const JsonDocument doc(text, 64);
  const dom::object o = doc.root()->get_object().value_unsafe();
  EXPECT_TRUE(find(o, "a")->is_object());  // the last value
  std::string seen;
  for (const auto [key, value] : Members(o)) {
    seen.append(key).append("=").append(boost::json::serialize(to_boost(value))).append(";");
  }
  EXPECT_EQ(seen, R"(a={"x":[1,{"y":2}]};b=2;c=3;)");  // first position, last value
}

TEST(JsonDomTest, MembersFindTheLastValueOfADuplicatedKey) {
  const std::string text = R"({"type":"a","text":"b","type":"c","tex":1})";
  const JsonDocument doc(text, 64);
  const Members m(doc.root()->get_object().value_unsafe());
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(get_string(m, "type").value_or(""), "c");
  EXPECT_EQ(get_string(m, "text").value_or(""), "b");
  EXPECT_EQ(get_uint(m, "tex").value_or(0), 1u);
  EXPECT_FALSE(find(m, "te"));
  EXPECT_FALSE(get_string(m, "tex"));
}

TEST(JsonDomTest, DuplicateKeysFoldInLargeObjects) {
  // Past sixteen members the list moves to the heap with a hash index: repeat keys read before and
  // after the move, and one first seen after it.
  std::string text = "{";
  for (int i = 0; i < 40; ++i) {
    text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    if (i == 10) {
      text += R"("k3":"early",)";
    }
  }
  text += R"("k5":"last","k30":"late","k16":true})";
  EXPECT_EQ(via_dom(text), boost::json::serialize(boost::json::parse(text)));
  const JsonDocument doc(text, 64);
  const Members m(doc.root()->get_object().value_unsafe());
  std::string seen;
  for (const auto [key, value] : m) {
    seen.append(key).append("=").append(boost::json::serialize(to_boost(value))).append(";");
  }
  std::string expected;
  for (int i = 0; i < 40; ++i) {
    const char* last = i == 3 ? "\"early\"" : i == 5 ? "\"last\"" : i == 30 ? "\"late\"" : nullptr;
    expected += "k" + std::to_string(i) + "=" +
                (i == 16           ? "true"
                 : last != nullptr ? last
                                   : std::to_string(i)) +
                ";";
  }
  EXPECT_EQ(seen, expected);  // first position, last value
  EXPECT_EQ(get_string(m, "k5").value_or(""), "last");
  EXPECT_EQ(get_string(m, "k3").value_or(""), "early");
  EXPECT_TRUE(find(m, "k16")->is_bool());
  EXPECT_EQ(get_uint(m, "k39").value_or(0), 39u);
  EXPECT_FALSE(find(m, "k40"));
}

TEST(JsonDomTest, DuplicateKeysFoldAtAnyDepth) {
  // A repeated key deep in kept JSON folds as Boost.JSON folds it, objects and arrays interleaved.
  for (int depth : {4, 20, 40}) {
    std::string text;
    for (int i = 0; i < depth; ++i) {
      text += i % 2 == 0 ? R"({"k":"v","x":)" : "[1,";
    }
    text += R"({"y":1,"z":[],"y":{"w":null}})";
    for (int i = depth - 1; i >= 0; --i) {
      text += i % 2 == 0 ? R"(,"e":{}})" : "]";
    }
    boost::json::parse_options deep;
    deep.max_depth = 64;
    EXPECT_EQ(via_dom(text), boost::json::serialize(boost::json::parse(text, {}, deep))) << depth;
    const std::string plain = std::string(depth, '[') + R"({"a":-1.5})" + std::string(depth, ']');
    EXPECT_EQ(via_dom(plain), boost::json::serialize(boost::json::parse(plain, {}, deep))) << depth;
  }
}

TEST(JsonDomTest, NumbersKeepBoostKinds) {
  const std::string text =
      R"([0,-0,1,-1,9223372036854775807,9223372036854775808,18446744073709551615,)"
      R"(-9223372036854775808,0.7,1.0,1E2,1e-400,2.5e-3,"\u0000\u00e9"])";
  EXPECT_EQ(via_dom(text), boost::json::serialize(boost::json::parse(text)));
}

TEST(JsonDomTest, ScalarsKeepBoostKinds) {
  for (const std::string_view text : {"0", "-1", "9223372036854775808", "0.7", "1E2", "true",
                                      "false", "null", R"("x\ty")", R"("")"}) {
    const JsonDocument doc(text, 64);
    ASSERT_TRUE(doc.root()) << text;
    const boost::json::value expected = boost::json::parse(text);
    const boost::json::value got = to_boost(*doc.root());
    EXPECT_EQ(got.kind(), expected.kind()) << text;
    EXPECT_EQ(boost::json::serialize(got), boost::json::serialize(expected)) << text;
  }
}

TEST(JsonDomTest, RejectsWhatBoostRejects) {
  for (std::string_view bad : {"", "{", "[1,]", "{\"a\":1,}", "nul", "\"\\ud800\"", "[1] x",
                               "\"\xff\"", "{\"a\" 1}", "01"}) {
    EXPECT_EQ(via_dom(bad), "invalid") << bad;
  }
}

TEST(JsonDomTest, NestingLimitCountsLikeBoost) {
  for (size_t depth : {31u, 32u, 33u}) {
    const std::string text = std::string(depth, '[') + std::string(depth, ']');
    boost::system::error_code ec;
    boost::json::parse(text, ec);  // Boost.JSON's default limit is 32
    EXPECT_EQ(via_dom(text, 32) != "invalid", !ec) << depth;
  }
}

TEST(JsonDomTest, AccessorsTolerateAnyShape) {
  const JsonDocument doc(R"({"s":"x","n":-5,"d":2.9,"o":{},"a":[],"z":null})", 64);
  const dom::object o = doc.root()->get_object().value_unsafe();
  EXPECT_EQ(get_string(o, "s"), "x");
  EXPECT_FALSE(get_string(o, "n"));
  EXPECT_EQ(get_uint(o, "n"), 0u);
  EXPECT_EQ(get_uint(o, "d"), 2u);
  EXPECT_FALSE(get_uint(o, "s"));
  EXPECT_TRUE(get_object(o, "o"));
  EXPECT_FALSE(get_object(o, "a"));
  EXPECT_TRUE(get_array(o, "a"));
  EXPECT_FALSE(find(o, "missing"));
  EXPECT_TRUE(find(o, "z")->is_null());
  EXPECT_TRUE(has_key(o, "z"));
  EXPECT_FALSE(has_key(o, "missing"));
}

}  // namespace
}  // namespace heimdall::dialects
