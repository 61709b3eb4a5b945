#include "dialects/json_string_masks.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace heimdall::dialects {
namespace {

// The escaped bytes of consecutive blocks, walked byte by byte: a backslash that is not itself
// escaped escapes the next byte.
std::vector<uint64_t> escaped_by_walk(const std::vector<uint64_t>& backslash) {
  std::vector<uint64_t> escaped(backslash.size());
  bool escape_next = false;
  for (size_t block = 0; block < backslash.size(); ++block) {
    for (int i = 0; i < 64; ++i) {
      escaped[block] |= uint64_t{escape_next} << i;
      escape_next = !escape_next && (backslash[block] >> i & 1) != 0;
    }
  }
  return escaped;
}

// Runs of backslashes of every length and parity, across block boundaries: texts of 8 blocks with
// backslash densities from none to all (random words and-ed or or-ed together).
TEST(JsonStringMasksTest, EscapedBytesAgreeWithAByteWalkAcrossBlocks) {
  std::mt19937_64 random(7);
  const auto word_of_density = [&](int level) -> uint64_t {
    switch (level) {
      case 0:
        return 0;
      case 1:
        return random() & random() & random();
      case 2:
        return random() & random();
      case 3:
        return random();
      case 4:
        return random() | random();
      case 5:
        return random() | random() | random();
      default:
        return ~uint64_t{0};
    }
  };
  for (int text = 0; text < 20'000; ++text) {
    std::vector<uint64_t> backslash(8);
    for (uint64_t& word : backslash) word = word_of_density(static_cast<int>(random() % 7));
    const std::vector<uint64_t> expected = escaped_by_walk(backslash);
    uint64_t carry = 0;
    for (size_t block = 0; block < backslash.size(); ++block) {
      ASSERT_EQ(escaped_bytes(backslash[block], carry), expected[block])
          << "text " << text << ", block " << block;
    }
  }
}

TEST(JsonStringMasksTest, CarriesAnEscapeIntoTheNextBlock) {
  uint64_t carry = 0;
  // A block of 64 backslashes is 32 escaped backslashes: nothing carries.
  EXPECT_EQ(escaped_bytes(~uint64_t{0}, carry), 0xAAAAAAAAAAAAAAAAull);
  EXPECT_EQ(carry, 0u);
  EXPECT_EQ(escaped_bytes(uint64_t{1} << 63, carry), 0u);
  EXPECT_EQ(carry, 1u);
  // The carried escape takes the next block's first byte, a backslash, which escapes nothing.
  EXPECT_EQ(escaped_bytes(1, carry), 1u);
  EXPECT_EQ(carry, 0u);
}

TEST(JsonStringMasksTest, PrefixXorMarksTheInsideOfQuotes) {
  // Quotes at 2 and 5, then one at 60 that opens a string running into the next block.
  const uint64_t quotes = uint64_t{1} << 2 | uint64_t{1} << 5 | uint64_t{1} << 60;
  EXPECT_EQ(prefix_xor(quotes), uint64_t{0b11100} | ~uint64_t{0} << 60);
  EXPECT_EQ(prefix_xor(0), 0u);
}

}  // namespace
}  // namespace heimdall::dialects
