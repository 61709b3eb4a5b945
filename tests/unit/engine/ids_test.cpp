#include "engine/ids.hpp"

#include <gtest/gtest.h>

#include <set>

namespace heimdall::engine {
namespace {

TEST(IdsTest, RequestIdsAreReqAnd24HexDigitsAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = make_request_id();
    ASSERT_EQ(id.size(), 28u) << id;
    EXPECT_EQ(id.substr(0, 4), "req_");
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 4), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, MessageIdsAreThePrefixAnd24AlphanumericCharacters) {
  const std::string id = make_message_id("msg_");
  ASSERT_EQ(id.size(), 28u) << id;
  EXPECT_EQ(id.substr(0, 4), "msg_");
  for (char c : id.substr(4)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
  EXPECT_NE(make_message_id("msg_"), id);
}

}  // namespace
}  // namespace heimdall::engine
