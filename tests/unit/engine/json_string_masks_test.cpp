#include "engine/json_string_masks.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace heimdall::engine {
namespace {

// The escaped bytes of a text given as one bit per byte, walked byte by byte: a backslash that is
// not itself escaped escapes the next byte.
std::vector<bool> escaped_by_walk(const std::vector<bool>& backslash) {
  std::vector<bool> escaped(backslash.size());
  bool escape_next = false;
  for (size_t i = 0; i < backslash.size(); ++i) {
    escaped[i] = escape_next;
    escape_next = !escape_next && backslash[i];
  }
  return escaped;
}

// Runs of backslashes of every length and parity, across block boundaries: texts of 8 blocks whose
// bytes are backslashes with a density that varies from text to text.
TEST(JsonStringMasksTest, EscapedBytesAgreeWithAByteWalkAcrossBlocks) {
  std::mt19937_64 random(7);
  constexpr size_t kBlocks = 8;
  for (int text = 0; text < 20'000; ++text) {
    const double density = (text % 10) / 9.0;
    std::bernoulli_distribution is_backslash(density);
    std::vector<bool> backslash(64 * kBlocks);
    for (size_t i = 0; i < backslash.size(); ++i) backslash[i] = is_backslash(random);
    const std::vector<bool> expected = escaped_by_walk(backslash);
    uint64_t carry = 0;
    for (size_t block = 0; block < kBlocks; ++block) {
      uint64_t mask = 0;
      for (size_t i = 0; i < 64; ++i) mask |= uint64_t{backslash[64 * block + i]} << i;
      const uint64_t escaped = escaped_bytes(mask, carry);
      for (size_t i = 0; i < 64; ++i) {
        ASSERT_EQ((escaped >> i & 1) != 0, expected[64 * block + i])
            << "text " << text << ", block " << block << ", byte " << i;
      }
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
}  // namespace heimdall::engine
