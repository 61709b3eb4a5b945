// Bit arithmetic that finds the inside of JSON strings in a 64-byte block, given one bit per byte
// for its quotes and its backslashes (bit i for byte i). Branch-free: a block costs the same few
// instructions whatever it holds, where a loop over the backslashes of an escape-dense block
// (a tool result holding source code) cost a dozen per backslash.
#pragma once

#include <cstdint>

namespace heimdall::dialects {

/// The bytes of a block that a backslash escapes. `carry` is 1 when the previous block ended with
/// a backslash that escapes this block's first byte; it is set the same way for the next block.
///
/// In a run of n backslashes, the first, third, ... each escape the byte after them, so the byte
/// after the run is escaped when n is odd. Which positions those are depends on the parity of the
/// run's start. Subtracting the run's start from the odd-position bits (with the bit after each
/// backslash set) borrows through the whole run, which flips its bits; xor-ing the odd bits out
/// again leaves a bit on each backslash that escapes and on the byte after a run of odd length.
/// Xor-ing the backslashes in then gives the escaped bytes, escaped backslashes included.
inline uint64_t escaped_bytes(uint64_t backslash, uint64_t& carry) {
  constexpr uint64_t kOddBits = 0xAAAAAAAAAAAAAAAAull;
  // A backslash escaped by the previous block's last one starts no escape of its own.
  const uint64_t starts = backslash & ~carry;
  const uint64_t escapes_and_escaped = (((starts << 1) | kOddBits) - starts) ^ kOddBits;
  const uint64_t escaped = escapes_and_escaped ^ (backslash | carry);
  carry = (escapes_and_escaped & backslash) >> 63;
  return escaped;
}

/// Bit i set when an odd number of the bits at or below i are set: given the unescaped quotes,
/// the bytes from an opening quote up to its closing quote, excluded.
inline uint64_t prefix_xor(uint64_t bits) {
  for (int shift = 1; shift < 64; shift *= 2) bits ^= bits << shift;
  return bits;
}

}  // namespace heimdall::dialects
