#include "dialects/json_object_reader.hpp"

#include "dialects/json_string_masks.hpp"

#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
// x86-64 builds target the baseline (SSE2); nested values are crossed with AVX2 where the CPU has
// it.
#if defined(__x86_64__) && defined(__GNUC__)
#define HEIMDALL_AVX2_DISPATCH 1
#include <immintrin.h>
// Every AVX2 CPU has these two as well; the functions compiled for them must all name the same
// set, or GCC refuses to inline one into another.
#define kAvx2Target gnu::target("avx2,pclmul,popcnt")
#else
#define HEIMDALL_AVX2_DISPATCH 0
#endif

namespace heimdall::dialects {

namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) {
  const char lower = static_cast<char>(c | 0x20);
  return is_digit(c) || (lower >= 'a' && lower <= 'f');
}

const char* skip_space(const char* at, const char* end) {
  // Most texts are compact: one compare tells the next byte is no white space.
  while (at != end && static_cast<unsigned char>(*at) <= ' ' && is_space(*at)) ++at;
  return at;
}

const char* skip_digits(const char* at, const char* end) {
  while (at != end && is_digit(*at)) ++at;
  return at;
}

// Size of the well-formed UTF-8 sequence whose lead byte (>= 0x80) is at `at`, or 0: no overlong
// forms, no surrogates, nothing above U+10FFFF (RFC 3629 §4).
size_t utf8_sequence(const char* at, const char* end) {
  const auto byte = [at](size_t i) { return static_cast<unsigned char>(at[i]); };
  const unsigned char lead = byte(0);
  unsigned char low = 0x80, high = 0xBF;  // range of the second byte
  size_t size = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    size = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    size = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    size = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<size_t>(end - at) < size || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < size; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  return size;
}

// The first byte at or after `at` that a string cannot simply hold: '"', '\\', a control
// character or a non-ASCII byte (which starts a sequence to check).
inline const char* find_string_special(const char* at, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  for (; end - at >= 16; at += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    // Signed compare: bytes >= 0x80 are negative, so "below space" also catches non-ASCII.
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash)),
                     _mm_cmplt_epi8(chunk, space));
    if (const int mask = _mm_movemask_epi8(special); mask != 0) return at + __builtin_ctz(mask);
  }
#endif
  for (; at != end; ++at) {
    const auto c = static_cast<unsigned char>(*at);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) return at;
  }
  return end;
}

// The value of the 4 hex digits at `at`, or -1.
int hex4(const char* at) {
  int value = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = at[i];
    if (!is_hex(c)) return -1;
    value = value * 16 + (is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return value;
}

// `at` is on the backslash of "\uXXXX": one past the escape, or nullptr. A surrogate must come as
// a high and low pair: JSON allows a lone one, but it decodes to no character, so simdjson, which
// parses the bodies the fast path does not, refuses it too.
const char* skip_unicode_escape(const char* at, const char* end) {
  const int unit = end - at >= 6 ? hex4(at + 2) : -1;
  if (unit < 0xD800 || unit > 0xDFFF) return unit < 0 ? nullptr : at + 6;
  if (unit >= 0xDC00 || end - at < 12 || at[6] != '\\' || at[7] != 'u') return nullptr;
  const int low = hex4(at + 8);
  return low >= 0xDC00 && low <= 0xDFFF ? at + 12 : nullptr;
}

// `at` is on what find_string_special stopped at inside a string, other than its closing quote:
// one past that escape or UTF-8 sequence, or nullptr when it is not valid (the string is cut, or
// holds a control character). Kept out of line: most strings have none of these.
[[gnu::noinline]] const char* skip_string_special(const char* at, const char* end, bool& escaped) {
  if (at == end) return nullptr;
  const auto c = static_cast<unsigned char>(*at);
  if (c < 0x20) return nullptr;
  if (c >= 0x80) {
    const size_t size = utf8_sequence(at, end);
    return size == 0 ? nullptr : at + size;
  }
  escaped = true;
  if (end - at < 2) return nullptr;
  switch (at[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
      return at + 2;
    case 'u':
      return skip_unicode_escape(at, end);
    default:
      return nullptr;
  }
}

// `at` is on a string's opening quote: one past its closing quote, or nullptr when the string is
// not valid. Sets `escaped` when the string holds an escape.
inline const char* skip_string(const char* at, const char* end, bool& escaped) {
  for (++at;;) {
    at = find_string_special(at, end);
    if (at != end && *at == '"') return at + 1;
    at = skip_string_special(at, end, escaped);
    if (at == nullptr) return nullptr;
  }
}

// `at` is on '-' or a digit: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
const char* skip_number(const char* at, const char* end) {
  if (*at == '-') ++at;
  if (at == end || !is_digit(*at)) return nullptr;
  at = *at == '0' ? at + 1 : skip_digits(at, end);
  if (at != end && *at == '.') {
    const char* digits = at + 1;
    at = skip_digits(digits, end);
    if (at == digits) return nullptr;
  }
  if (at != end && (*at == 'e' || *at == 'E')) {
    ++at;
    if (at != end && (*at == '+' || *at == '-')) ++at;
    const char* digits = at;
    at = skip_digits(digits, end);
    if (at == digits) return nullptr;
  }
  return at;
}

const char* skip_literal(const char* at, const char* end, std::string_view literal) {
  if (static_cast<size_t>(end - at) < literal.size() ||
      std::memcmp(at, literal.data(), literal.size()) != 0) {
    return nullptr;
  }
  return at + literal.size();
}

// Where the bytes of a 64-byte block are a quote, a backslash, an opening or a closing bracket
// (bit i for byte i).
struct BlockMasks {
  uint64_t quote = 0;
  uint64_t backslash = 0;
  uint64_t open = 0;
  uint64_t close = 0;
};

BlockMasks classify_baseline(const char* block) {
  BlockMasks masks;
#if defined(__SSE2__)
  // OR 0x20 folds '[' (0x5B) onto '{' (0x7B) and ']' onto '}', and nothing else onto either.
  const __m128i fold = _mm_set1_epi8(0x20);
  for (int i = 0; i < 4; ++i) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i));
    const __m128i folded = _mm_or_si128(chunk, fold);
    const auto bits = [i](__m128i equal) {
      return uint64_t{static_cast<uint16_t>(_mm_movemask_epi8(equal))} << (16 * i);
    };
    masks.quote |= bits(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('"')));
    masks.backslash |= bits(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('\\')));
    masks.open |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{')));
    masks.close |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8('}')));
  }
#else
  for (int i = 0; i < 64; ++i) {
    const uint64_t bit = uint64_t{1} << i;
    const char folded = static_cast<char>(block[i] | 0x20);
    if (block[i] == '"') masks.quote |= bit;
    if (block[i] == '\\') masks.backslash |= bit;
    if (folded == '{') masks.open |= bit;
    if (folded == '}') masks.close |= bit;
  }
#endif
  return masks;
}

#if HEIMDALL_AVX2_DISPATCH
// The same with 32-byte registers: 40 % fewer instructions for a 50 KB body (bench/micro).
[[kAvx2Target]] BlockMasks classify_avx2(const char* block) {
  BlockMasks masks;
  const __m256i fold = _mm256_set1_epi8(0x20);
  for (int i = 0; i < 2; ++i) {
    const __m256i chunk = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * i));
    const __m256i folded = _mm256_or_si256(chunk, fold);
    // No lambda as in classify_baseline: it would not inherit the target, and the intrinsics need
    // it.
    const int shift = 32 * i;
    const __m256i quote = _mm256_cmpeq_epi8(chunk, _mm256_set1_epi8('"'));
    const __m256i backslash = _mm256_cmpeq_epi8(chunk, _mm256_set1_epi8('\\'));
    const __m256i open = _mm256_cmpeq_epi8(folded, _mm256_set1_epi8('{'));
    const __m256i close = _mm256_cmpeq_epi8(folded, _mm256_set1_epi8('}'));
    masks.quote |= uint64_t{static_cast<uint32_t>(_mm256_movemask_epi8(quote))} << shift;
    masks.backslash |= uint64_t{static_cast<uint32_t>(_mm256_movemask_epi8(backslash))} << shift;
    masks.open |= uint64_t{static_cast<uint32_t>(_mm256_movemask_epi8(open))} << shift;
    masks.close |= uint64_t{static_cast<uint32_t>(_mm256_movemask_epi8(close))} << shift;
  }
  return masks;
}
#endif

#if HEIMDALL_AVX2_DISPATCH
// prefix_xor in one carry-less multiplication by all ones (PCLMULQDQ, which every AVX2 CPU has).
[[kAvx2Target]] uint64_t prefix_xor_clmul(uint64_t bits) {
  const __m128i product =
      _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<int64_t>(bits)), _mm_set1_epi8(-1), 0);
  return static_cast<uint64_t>(_mm_cvtsi128_si64(product));
}
#endif

// `at` is on the '{' or '[' of a nested value: one past the bracket that closes it, or nullptr when
// none does. Reads 64 bytes at a time and only follows strings and brackets: what lies between is
// not checked (the provider does, answering in the caller's dialect). Always inlined, so that each
// caller compiles it for its own instruction set.
template <BlockMasks (*kClassify)(const char*), uint64_t (*kPrefixXor)(uint64_t)>
[[gnu::always_inline]] inline const char* skip_nested_with(const char* at, const char* end) {
  size_t depth = 0;
  uint64_t escape_carry = 0;
  uint64_t in_string_carry = 0;  // all ones when the previous block ended inside a string
  for (const char* block = at; block < end; block += 64) {
    // The last, partial block is read as the 64 bytes that end the text, less those already read,
    // when the value is that long; else from a copy padded with spaces.
    const char* bytes = block;
    int seen = 0;
    char tail[64];
    if (end - block < 64) {
      if (end - at >= 64) {
        bytes = end - 64;
        seen = static_cast<int>(64 - (end - block));
      } else {
        const auto size = static_cast<size_t>(end - block);
        std::memcpy(tail, block, size);
        std::memset(tail + size, ' ', sizeof tail - size);
        bytes = tail;
      }
    }
    BlockMasks masks = kClassify(bytes);
    if (seen != 0) {
      masks.quote >>= seen;
      masks.backslash >>= seen;
      masks.open >>= seen;
      masks.close >>= seen;
    }
    const uint64_t escaped = escaped_bytes(masks.backslash, escape_carry);
    const uint64_t in_string = kPrefixXor(masks.quote & ~escaped) ^ in_string_carry;
    in_string_carry = static_cast<uint64_t>(static_cast<int64_t>(in_string) >> 63);
    const uint64_t open = masks.open & ~in_string;
    const uint64_t close = masks.close & ~in_string;
    // Fewer closing brackets than open values: the value cannot end in this block, and the order
    // of its brackets does not matter.
    if (const auto closes = static_cast<size_t>(std::popcount(close)); closes < depth) {
      depth += static_cast<size_t>(std::popcount(open)) - closes;
      continue;
    }
    for (uint64_t brackets = open | close; brackets != 0; brackets &= brackets - 1) {
      const int i = std::countr_zero(brackets);
      if ((open >> i & 1) != 0) {
        ++depth;
      } else if (--depth == 0) {
        return block + i + 1;
      }
    }
  }
  return nullptr;
}

const char* skip_nested_baseline(const char* at, const char* end) {
  return skip_nested_with<classify_baseline, prefix_xor>(at, end);
}

#if HEIMDALL_AVX2_DISPATCH
[[kAvx2Target]] const char* skip_nested_avx2(const char* at, const char* end) {
  return skip_nested_with<classify_avx2, prefix_xor_clmul>(at, end);
}
#endif

bool cpu_has_avx2() {
#if HEIMDALL_AVX2_DISPATCH
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul") &&
         __builtin_cpu_supports("popcnt");
#else
  return false;
#endif
}

bool& use_avx2() {
  static bool use = cpu_has_avx2();
  return use;
}

const char* skip_nested(const char* at, const char* end) {
#if HEIMDALL_AVX2_DISPATCH
  if (use_avx2()) return skip_nested_avx2(at, end);
#endif
  return skip_nested_baseline(at, end);
}

// `at` is on the first byte of a value: one past its end, or nullptr when it is not one.
[[gnu::always_inline]] inline const char* skip_value(const char* at, const char* end) {
  bool escaped = false;
  switch (*at) {
    case '{':
    case '[':
      return skip_nested(at, end);
    case '"':
      return skip_string(at, end, escaped);
    case 't':
      return skip_literal(at, end, "true");
    case 'f':
      return skip_literal(at, end, "false");
    case 'n':
      return skip_literal(at, end, "null");
    default:
      return *at == '-' || is_digit(*at) ? skip_number(at, end) : nullptr;
  }
}

}  // namespace

bool JsonObjectReader::use_avx2_for_test(bool on) {
  use_avx2() = on && cpu_has_avx2();
  return use_avx2();
}

JsonObjectReader::JsonObjectReader(std::string_view text)
    : at_(text.data()), end_(text.data() + text.size()) {}

bool JsonObjectReader::fail(Status status) {
  status_ = status;
  return false;
}

bool JsonObjectReader::finish() {
  return fail(skip_space(at_ + 1, end_) == end_ ? Status::kEnd : Status::kInvalid);
}

bool JsonObjectReader::next(JsonMember& member) {
  if (status_ != Status::kReading) return false;
  // A local copy: stores to `member` (pointers too) would make the compiler reload a member.
  const char* at = skip_space(at_, end_);
  const char* const end = end_;
  if (at == end) return fail(Status::kInvalid);
  if (first_) {
    first_ = false;
    if (*at != '{') {
      const char* after = skip_value(at, end);
      const bool json = after != nullptr && skip_space(after, end) == end;
      return fail(json ? Status::kNotObject : Status::kInvalid);
    }
    at = skip_space(at + 1, end);
    if (at != end && *at == '}') {
      at_ = at;
      return finish();
    }
  } else if (*at == '}') {
    at_ = at;
    return finish();
  } else if (*at == ',') {
    at = skip_space(at + 1, end);
  } else {
    return fail(Status::kInvalid);
  }
  if (at == end || *at != '"') return fail(Status::kInvalid);
  const char* key = at + 1;
  bool key_escaped = false;
  const char* key_end = skip_string(at, end, key_escaped);
  if (key_end == nullptr) return fail(Status::kInvalid);
  at = skip_space(key_end, end);
  if (at == end || *at != ':') return fail(Status::kInvalid);
  at = skip_space(at + 1, end);
  if (at == end) return fail(Status::kInvalid);
  const char* value_end = skip_value(at, end);
  if (value_end == nullptr) return fail(Status::kInvalid);
  member.key = std::string_view(key, static_cast<size_t>(key_end - 1 - key));
  member.key_escaped = key_escaped;
  member.value = std::string_view(at, static_cast<size_t>(value_end - at));
  at_ = value_end;
  return true;
}

}  // namespace heimdall::dialects
