#include "http/headers.hpp"

#include <gtest/gtest.h>

namespace heimdall::http {
namespace {

TEST(HeaderListTest, NamesAreStoredLowerCaseWhateverTheirLength) {
  HeaderList headers;
  headers.add("X", "1");
  headers.add("Content-Type", "Application/JSON");
  headers.add("ANTHROPIC-RATELIMIT-REQUESTS-REMAINING", "7");
  headers.add("x-@[`{-AZaz", "edges");    // the bytes beside 'A'..'Z' and 'a'..'z' stay
  headers.add("\xC1\xDA-Name", "latin");  // bytes above 0x7f are no letters
  ASSERT_EQ(headers.fields().size(), 5u);
  EXPECT_EQ(headers.fields()[0].first, "x");
  EXPECT_EQ(headers.fields()[1].first, "content-type");
  EXPECT_EQ(headers.fields()[1].second, "Application/JSON");  // values keep their case
  EXPECT_EQ(headers.fields()[2].first, "anthropic-ratelimit-requests-remaining");
  EXPECT_EQ(headers.fields()[3].first, "x-@[`{-azaz");
  EXPECT_EQ(headers.fields()[4].first, "\xC1\xDA-name");
  EXPECT_EQ(to_lower("Mixed-CASE-Longer-Than-Eight"), "mixed-case-longer-than-eight");
}

TEST(HeaderListTest, LookupIsCaseInsensitiveAndSetReplacesEveryField) {
  HeaderList headers;
  headers.add("Set-Cookie", "a");
  headers.add("set-cookie", "b");
  headers.add("Retry-After", "2");
  EXPECT_EQ(headers.get("SET-COOKIE"), "a");
  EXPECT_EQ(headers.get("retry-after"), "2");
  EXPECT_FALSE(headers.get("retry-afte"));
  EXPECT_FALSE(headers.contains("x-missing"));
  headers.set("Set-COOKIE", "c");
  ASSERT_EQ(headers.fields().size(), 2u);
  EXPECT_EQ(headers.fields()[1].first, "set-cookie");
  EXPECT_EQ(headers.get("set-cookie"), "c");
  headers.remove("RETRY-AFTER");
  EXPECT_FALSE(headers.contains("retry-after"));
  EXPECT_TRUE(iequals("Content-Length", "content-LENGTH"));
  EXPECT_FALSE(iequals("content-length", "content-lengtx"));
}

}  // namespace
}  // namespace heimdall::http
