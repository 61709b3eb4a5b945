// The members of a JSON object, read in one forward pass without building anything. The fast path
// reads `model` and `stream` from a request body this way, the usage observer the counters of an
// answer, and the stream decoders their most frequent events (plain_json.hpp). The object itself
// (its keys, strings, numbers and literals) is checked against RFC 8259, escapes and UTF-8
// included; a nested object or array is crossed 64 bytes at a time, following only its strings and
// brackets, and left to whoever reads it. For a request body that costs under half the
// instructions of simdjson On-Demand's walk of the top level at 2 KB, and a third at 50 KB
// (bench/micro/README.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace heimdall::dialects {

struct JsonMember {
  std::string_view key;  // between the quotes, escapes not decoded
  bool key_escaped = false;
  // The value's whole token: a string with its quotes, an object or array with its brackets.
  std::string_view value;
};

/// Reads a JSON text that must be one object, member by member:
///   JsonObjectReader reader(text);
///   for (JsonMember member; reader.next(member);) ...
///   if (reader.status() != JsonObjectReader::Status::kEnd) ...  // not a valid JSON object
class JsonObjectReader {
 public:
  enum class Status {
    kReading,    // next() has a member for the caller, or has not been called yet
    kEnd,        // the object ended and nothing but white space follows it
    kNotObject,  // the text is a JSON value, but not an object
    kInvalid,    // the text is not JSON
  };

  explicit JsonObjectReader(std::string_view text);

  /// The next member; false at the end of the object or at the first error.
  bool next(JsonMember& member);
  Status status() const { return status_; }

  /// Nested values are crossed with AVX2 where the CPU has it, else with the x86-64 baseline
  /// (SSE2), so that tests can run both: `on` selects AVX2 when the CPU has it, else the
  /// baseline. Returns whether AVX2 is now in use.
  static bool use_avx2_for_test(bool on);

 private:
  bool fail(Status status);
  bool finish();  // at the object's closing brace

  const char* at_;
  const char* end_;
  Status status_ = Status::kReading;
  bool first_ = true;
};

// What JsonObjectReader::next needs, inline: readers loop over members, and a call per member, with
// its register saves, cost a fifth of reading a small object (a stream chunk, a usage object).
namespace json_reader_detail {

inline bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline const char* skip_space(const char* at, const char* end) {
  // Most texts are compact: one compare tells the next byte is no white space.
  while (at != end && static_cast<unsigned char>(*at) <= ' ' && is_space(*at)) ++at;
  return at;
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

// `at` is on what find_string_special stopped at inside a string, other than its closing quote:
// one past that escape or UTF-8 sequence, or nullptr when it is not valid (the string is cut, or
// holds a control character). Out of line: most strings have none of these.
const char* skip_string_special(const char* at, const char* end, bool& escaped);

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

// `at` is on '-' or a digit: one past the number, or nullptr when it is not one.
const char* skip_number(const char* at, const char* end);

inline const char* skip_literal(const char* at, const char* end, std::string_view literal) {
  if (static_cast<size_t>(end - at) < literal.size() ||
      std::memcmp(at, literal.data(), literal.size()) != 0) {
    return nullptr;
  }
  return at + literal.size();
}

// `at` is on the '{' or '[' of a nested value: one past the bracket that closes it, or nullptr when
// none does. Only its strings and brackets are followed: what lies between is not checked.
const char* skip_nested(const char* at, const char* end);

// `at` is on the first byte of a value: one past its end, or nullptr when it is not one.
inline const char* skip_value(const char* at, const char* end) {
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

}  // namespace json_reader_detail

[[gnu::always_inline]] inline bool JsonObjectReader::next(JsonMember& member) {
  using namespace json_reader_detail;
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
