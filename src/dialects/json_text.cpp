#include "dialects/json_text.hpp"

#include "dialects/json_dom.hpp"

#include <boost/json/detail/format.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace heimdall::dialects {

namespace {

// Output is gathered in a stack buffer and appended to the string in large pieces: a std::string
// append is an out-of-line call with a capacity check, too dear for every quote and comma.
class Sink {
 public:
  explicit Sink(std::string& out) : out_(out) {}
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;
  ~Sink() { flush(); }

  void put(char c) {
    if (p_ == std::end(buf_)) {
      flush();
    }
    *p_++ = c;
  }
  void put(const char* s, size_t n) {
    if (n > static_cast<size_t>(std::end(buf_) - p_)) {
      flush();
      if (n > sizeof buf_) {
        out_.append(s, n);
        return;
      }
    }
    std::memcpy(p_, s, n);
    p_ += n;
  }
  void put(std::string_view s) { put(s.data(), s.size()); }
  /// A pointer to `n` free bytes (at most the buffer's size) for the caller to fill; commit(end)
  /// then keeps what was written up to `end`.
  char* room(size_t n) {
    if (n > static_cast<size_t>(std::end(buf_) - p_)) {
      flush();
    }
    return p_;
  }
  void commit(char* end) { p_ = end; }
  /// Bytes written so far, and dropping what was written after the first `n` of them.
  size_t size() const { return out_.size() + static_cast<size_t>(p_ - buf_); }
  void truncate(size_t n) {
    flush();
    out_.resize(n);
  }

 private:
  void flush() {
    out_.append(buf_, static_cast<size_t>(p_ - buf_));
    p_ = buf_;
  }

  std::string& out_;
  char buf_[2048];
  char* p_ = buf_;
};

// A double that is exactly the nearest one to `digits` / 10^`decimals`, with at most two decimals
// and in [0.01, 1000) in magnitude: the sampling knobs (0.7, 0.95, 1), which both number writers
// spell without their general algorithm, which cost more than the rest of writing the knob.
struct ShortDecimal {
  bool negative;
  uint32_t digits;    // at most five
  uint32_t decimals;  // the fewest that read back as the double
};

std::optional<ShortDecimal> short_decimal(double d) {
  const double magnitude = std::fabs(d);
  if (!(magnitude >= 0.01 && magnitude < 1000)) {
    return std::nullopt;
  }
  constexpr double kScale[] = {1, 10, 100};
  for (uint32_t decimals = 0; decimals < std::size(kScale); ++decimals) {
    const double digits = std::nearbyint(magnitude * kScale[decimals]);
    // The division is correctly rounded, as reading the decimal is: equal exactly when the
    // decimal reads back as `d`. At most five digits, which no shorter decimal can be as close
    // to, so the first that does is the shortest round-trip form.
    if (digits / kScale[decimals] == magnitude) {
      return ShortDecimal{d < 0, static_cast<uint32_t>(digits), decimals};
    }
  }
  return std::nullopt;
}

// Writes `d` as Ryu's d2s (Boost.JSON's format_double) writes it: the shortest digits in
// scientific form without trailing zeros (7E-1, 9.5E-1, 1E0, 1.25E2). `out` needs 12 bytes.
char* write_scientific(char* out, ShortDecimal d) {
  auto exponent = -static_cast<int>(d.decimals);
  while (d.digits % 10 == 0) {
    d.digits /= 10;
    ++exponent;
  }
  if (d.negative) {
    *out++ = '-';
  }
  char digits[8] = {};
  char* digits_end = std::to_chars(digits, digits + sizeof digits, d.digits).ptr;
  const auto length = static_cast<int>(digits_end - digits);
  *out++ = digits[0];
  if (length > 1) {
    *out++ = '.';
    out = std::copy(digits + 1, digits_end, out);
  }
  *out++ = 'E';
  return std::to_chars(out, out + 4, exponent + length - 1).ptr;
}

// Boost.JSON's number spelling for doubles (e.g. 7E-1) is kept so bodies stay byte-identical: the
// characters its serializer writes for a double (detail::format_double, see
// boost/json/impl/serializer.ipp), without the serializer's set-up around them, which cost more
// than the digits (a sampling knob in every request).
void put_double(Sink& sink, double d) {
  char buf[boost::json::detail::max_number_chars + 1];
  if (const auto short_form = short_decimal(d)) {
    sink.put(buf, static_cast<size_t>(write_scientific(buf, *short_form) - buf));
    return;
  }
  sink.put(buf, boost::json::detail::format_double(buf, d));
}

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Bit 7 of each byte of the result is set where that byte of `w` needs escaping, and may also be
// set above such a byte (a borrow), never below one: the lowest set bit is exact.
constexpr uint64_t kOnes = 0x0101010101010101u;
uint64_t special_bytes(uint64_t w) {
  static_assert(std::endian::native == std::endian::little, "the first byte must be the lowest");
  const auto below = [](uint64_t x, uint64_t n) { return (x - kOnes * n) & ~x & kOnes * 0x80; };
  return below(w, 0x20) | below(w ^ (kOnes * '"'), 1) | below(w ^ (kOnes * '\\'), 1);
}

// The first byte of [p, end) that needs escaping, or end. Text is mostly plain, so the scan reads
// sixteen bytes per step where SSE2 exists (every x86-64) and eight elsewhere: a byte-wise loop was
// half the cost of encoding a request. The last step reads the block (or word) that ends at `end`,
// overlapping bytes already found plain, so its lowest hit is still the first: a short string (most
// are keys and ids) costs one or two reads instead of a loop over its bytes.
[[gnu::always_inline]] inline const char* next_to_escape(const char* p, const char* end) {
#if defined(__SSE2__)
  if (end - p >= 16) {
    const __m128i kControlMax = _mm_set1_epi8(0x1F);
    const __m128i kQuote = _mm_set1_epi8('"');
    const __m128i kBackslash = _mm_set1_epi8('\\');
    const auto first_hit = [&](const char* at) -> const char* {
      const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
      // Unsigned w <= 0x1F exactly when min(w, 0x1F) == w.
      const __m128i hit =
          _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(w, kControlMax), w),
                       _mm_or_si128(_mm_cmpeq_epi8(w, kQuote), _mm_cmpeq_epi8(w, kBackslash)));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
      return mask != 0 ? at + std::countr_zero(mask) : nullptr;
    };
    for (; end - p > 16; p += 16) {
      if (const char* hit = first_hit(p)) {
        return hit;
      }
    }
    const char* hit = first_hit(end - 16);
    return hit != nullptr ? hit : end;
  }
#endif
  const auto first_hit = [](const char* at) -> const char* {
    uint64_t w;
    std::memcpy(&w, at, sizeof w);
    const uint64_t mask = special_bytes(w);
    return mask != 0 ? at + std::countr_zero(mask) / 8 : nullptr;
  };
  if (end - p >= 8) {
    for (; end - p > 8; p += 8) {
      if (const char* hit = first_hit(p)) {
        return hit;
      }
    }
    const char* hit = first_hit(end - 8);
    return hit != nullptr ? hit : end;
  }
  if (end - p >= 4) {
    // One word of the first four bytes and the last four, which may overlap.
    uint32_t head;
    uint32_t tail;
    std::memcpy(&head, p, sizeof head);
    std::memcpy(&tail, end - 4, sizeof tail);
    const uint64_t mask = special_bytes(head | uint64_t{tail} << 32);
    if (mask == 0) {
      return end;
    }
    const int at = std::countr_zero(mask) / 8;
    return at < 4 ? p + at : end - 8 + at;
  }
  while (p != end && !needs_escape(static_cast<unsigned char>(*p))) {
    ++p;
  }
  return p;
}

// What each byte that needs escaping becomes: a two-character escape where JSON has one, else
// \u00XX with lower-case hex, as Boost.JSON writes them.
struct Escape {
  char text[8];  // padded for a copy of a fixed size
  unsigned char size;
};
constexpr auto kEscapes = [] {
  constexpr char kHex[] = "0123456789abcdef";
  std::array<Escape, '\\' + 1> table{};
  for (unsigned c = 0; c < 0x20; ++c) {
    table[c] = {{'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]}, 6};
  }
  table['\n'] = {{'\\', 'n'}, 2};
  table['\r'] = {{'\\', 'r'}, 2};
  table['\t'] = {{'\\', 't'}, 2};
  table['\b'] = {{'\\', 'b'}, 2};
  table['\f'] = {{'\\', 'f'}, 2};
  table['"'] = {{'\\', '"'}, 2};
  table['\\'] = {{'\\', '\\'}, 2};
  return table;
}();

template <class Integer>
void put_integer(Sink& sink, Integer n) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  sink.put(buf, static_cast<size_t>(end - buf));
}

// One bit per byte of the sixteen at `block` that needs escaping.
unsigned escape_mask(const char* block) {
#if defined(__SSE2__)
  const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block));
  const __m128i hit = _mm_or_si128(
      _mm_cmpeq_epi8(_mm_min_epu8(w, _mm_set1_epi8(0x1F)), w),
      _mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('"')), _mm_cmpeq_epi8(w, _mm_set1_epi8('\\'))));
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
#else
  unsigned mask = 0;
  for (unsigned i = 0; i < 16; ++i) {
    mask |= unsigned{needs_escape(static_cast<unsigned char>(block[i]))} << i;
  }
  return mask;
#endif
}

// Writes the quoted, escaped form of [begin, end); `first` is next_to_escape(begin, end), which the
// caller may already know. From the first escape on, the text goes sixteen bytes at a time through
// a local block: the escapes of a block are taken from its mask one by one, and the runs between
// them copied with fixed-size copies, so escape-dense text (tool arguments as a JSON string, where
// every quote is escaped) costs a few instructions per escape instead of a scan per run. Out of
// line so that put_padded_string, inlined where kept JSON is written, stays small.
[[gnu::noinline]] void put_escaped(Sink& sink, const char* begin, const char* first,
                                   const char* end) {
  constexpr size_t kBlock = 16;
  // Worst case of one block: sixteen six-byte \u00XX escapes, then a whole block's fixed copy.
  constexpr size_t kRoom = kBlock * 6 + kBlock;
  sink.put('"');
  sink.put(begin, static_cast<size_t>(first - begin));
  // A block of text, and readable bytes after any run in it for the fixed-size copies.
  char block[2 * kBlock] = {};
  for (const char* p = first; p != end;) {
    size_t skip = 0;  // leading bytes of the block that were written before
    size_t size = kBlock;
    if (end - p >= static_cast<ptrdiff_t>(kBlock)) {
      std::memcpy(block, p, kBlock);
    } else if (end - begin >= static_cast<ptrdiff_t>(kBlock)) {
      // The text's last sixteen bytes, overlapping what was written: no copy of a variable size.
      std::memcpy(block, end - kBlock, kBlock);
      skip = kBlock - static_cast<size_t>(end - p);
    } else {
      size = static_cast<size_t>(end - p);
      std::memcpy(block, p, size);
    }
    unsigned mask = escape_mask(block) & ((1u << size) - 1) & ~((1u << skip) - 1);
    char* out = sink.room(kRoom);
    size_t at = skip;
    for (; mask != 0; mask &= mask - 1) {
      const auto hit = static_cast<size_t>(std::countr_zero(mask));
      std::memcpy(out, block + at, kBlock);
      out += hit - at;
      const Escape& e = kEscapes[static_cast<unsigned char>(block[hit])];
      std::memcpy(out, e.text, sizeof e.text);
      out += e.size;
      at = hit + 1;
    }
    std::memcpy(out, block + at, kBlock);
    out += size - at;
    sink.commit(out);
    p += size - skip;
  }
  sink.put('"');
}

void put_string(Sink& sink, std::string_view s) {
  const char* end = s.data() + s.size();
  put_escaped(sink, s.data(), next_to_escape(s.data(), end), end);
}

// put_string for a string of a simdjson DOM, which keeps at least SIMDJSON_PADDING readable bytes
// of its string buffer after every string (its own kernels copy in blocks past a string's end).
// Keys and values of kept JSON (tool schemas, tool inputs) are short: each sixteen-byte block is
// scanned and copied whole, the bytes past the end masked off, so a string costs a few
// instructions instead of a scan with a tail and a call to memcpy.
[[gnu::always_inline]] inline void put_padded_string(Sink& sink, std::string_view s) {
#if defined(__SSE2__)
  constexpr size_t kBlock = 16;
  constexpr size_t kMaxFast = 256;  // longer text takes the general path
  if (s.size() <= kMaxFast) {
    const __m128i kControlMax = _mm_set1_epi8(0x1F);
    const __m128i kQuote = _mm_set1_epi8('"');
    const __m128i kBackslash = _mm_set1_epi8('\\');
    char* const start = sink.room(s.size() + kBlock + 2);
    char* out = start;
    *out++ = '"';
    for (size_t at = 0;; at += kBlock) {
      const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at));
      const __m128i hit =
          _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(w, kControlMax), w),
                       _mm_or_si128(_mm_cmpeq_epi8(w, kQuote), _mm_cmpeq_epi8(w, kBackslash)));
      auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
      const size_t left = s.size() - at;
      if (left < kBlock) {
        mask &= (1u << left) - 1;
      }
      if (mask != 0) {
        // Something to escape: nothing is committed, the general path writes the string.
        put_escaped(sink, s.data(), s.data() + at + std::countr_zero(mask), s.data() + s.size());
        return;
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out), w);
      if (left <= kBlock) {
        out += left;
        break;
      }
      out += kBlock;
    }
    *out++ = '"';
    sink.commit(out);
    return;
  }
#endif
  put_string(sink, s);
}

// Writes `items` between `open` and `close`, separated by commas, each with `put_item`.
template <class Items, class PutItem>
void put_list(Sink& sink, char open, const Items& items, char close, PutItem put_item) {
  sink.put(open);
  bool first = true;
  for (const auto& item : items) {
    if (!first) {
      sink.put(',');
    }
    first = false;
    put_item(item);
  }
  sink.put(close);
}

template <class WriteValue>
void put_member(Sink& sink, std::string_view key, WriteValue write_value) {
  put_string(sink, key);
  sink.put(':');
  write_value();
}

void put_value(Sink& sink, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      sink.put("null", 4);
      break;
    case boost::json::kind::bool_:
      if (v.get_bool()) {
        sink.put("true", 4);
      } else {
        sink.put("false", 5);
      }
      break;
    case boost::json::kind::int64:
      put_integer(sink, v.get_int64());
      break;
    case boost::json::kind::uint64:
      put_integer(sink, v.get_uint64());
      break;
    case boost::json::kind::double_:
      put_double(sink, v.get_double());
      break;
    case boost::json::kind::string:
      put_string(sink, v.get_string());
      break;
    case boost::json::kind::array:
      put_list(sink, '[', v.get_array(), ']', [&](const auto& e) { put_value(sink, e); });
      break;
    case boost::json::kind::object:
      put_list(sink, '{', v.get_object(), '}', [&](const auto& kv) {
        put_member(sink, kv.key(), [&] { put_value(sink, kv.value()); });
      });
      break;
  }
}

void put_element(Sink& sink, simdjson::dom::element e);

// An object's keys so far, kept to find one that comes twice. Not a string_view: an array of those
// is zeroed on every call.
struct RawKey {
  const char* data;
  size_t size;
};

// Writes a DOM object whose keys all differ in one pass over it, as Members would list it. A
// duplicated key (rare) or a large object is rewritten from Members, which folds duplicates.
void put_object(Sink& sink, simdjson::dom::object o) {
  RawKey seen[Members::kInline];
  size_t count = 0;
  const size_t start = sink.size();
  sink.put('{');
  for (const simdjson::dom::key_value_pair kv : o) {
    bool fold = count == Members::kInline;
    for (size_t i = 0; i < count && !fold; ++i) {
      fold = Members::same_key({seen[i].data, seen[i].size}, kv.key);
    }
    if (fold) {
      sink.truncate(start);
      put_list(sink, '{', Members(o), '}', [&](const auto& m) {
        put_member(sink, m.key, [&] { put_element(sink, m.value); });
      });
      return;
    }
    if (count != 0) {
      sink.put(',');
    }
    seen[count++] = {kv.key.data(), kv.key.size()};
    put_padded_string(sink, kv.key);
    sink.put(':');
    put_element(sink, kv.value);
  }
  sink.put('}');
}

void put_element(Sink& sink, simdjson::dom::element e) {
  namespace dom = simdjson::dom;
  switch (e.type()) {
    case dom::element_type::OBJECT:
      put_object(sink, e.get_object().value_unsafe());
      break;
    case dom::element_type::ARRAY: {
      const dom::array a = e.get_array().value_unsafe();
      put_list(sink, '[', a, ']', [&](dom::element v) { put_element(sink, v); });
      break;
    }
    case dom::element_type::STRING:
      put_padded_string(sink, e.get_string().value_unsafe());
      break;
    case dom::element_type::INT64:
      put_integer(sink, e.get_int64().value_unsafe());
      break;
    case dom::element_type::UINT64:
      put_integer(sink, e.get_uint64().value_unsafe());
      break;
    case dom::element_type::DOUBLE:
      put_double(sink, e.get_double().value_unsafe());
      break;
    case dom::element_type::BOOL:
      if (e.get_bool().value_unsafe()) {
        sink.put("true", 4);
      } else {
        sink.put("false", 5);
      }
      break;
    case dom::element_type::NULL_VALUE:
      sink.put("null", 4);
      break;
  }
}

// Reads the subset of JSON that is_compact_json_object accepts, by recursive descent.
class CompactReader {
 public:
  explicit CompactReader(std::string_view text)
      : p_(text.data()), end_(text.data() + text.size()) {}

  bool whole_object() { return p_ != end_ && *p_ == '{' && object(1) && p_ == end_; }

 private:
  // Deeper text is left to the parser, whose limit (32) it stays well within.
  static constexpr int kMaxDepth = 16;

  bool value(int depth) {
    if (p_ == end_) {
      return false;
    }
    switch (*p_) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"': {
        std::string_view s;
        return string(s);
      }
      case 't':
        return word("true");
      case 'f':
        return word("false");
      case 'n':
        return word("null");
      default:
        return integer();
    }
  }

  // At a container's opening byte: steps over it, and over `close` when the container is empty.
  bool enter(int depth, char close, bool& empty) {
    ++p_;
    empty = p_ != end_ && *p_ == close;
    p_ += empty ? 1 : 0;
    return depth <= kMaxDepth;
  }

  // After a member or an element: a comma, or `close`, which ends the container (`done`).
  bool separator(char close, bool& done) {
    if (p_ == end_) {
      return false;
    }
    const char c = *p_++;
    done = c == close;
    return done || c == ',';
  }

  // At a '{'. Objects of more than Members::kInline keys, and any key twice, are refused: Members
  // folds those, and the text would not be what the writer gives.
  bool object(int depth) {
    bool done = false;
    if (!enter(depth, '}', done)) {
      return false;
    }
    RawKey keys[Members::kInline];
    for (size_t count = 0; !done; ++count) {
      std::string_view key;
      if (count == Members::kInline || !string(key)) {
        return false;
      }
      for (size_t i = 0; i < count; ++i) {
        if (std::string_view(keys[i].data, keys[i].size) == key) {
          return false;
        }
      }
      keys[count] = {key.data(), key.size()};
      if (p_ == end_ || *p_++ != ':' || !value(depth) || !separator('}', done)) {
        return false;
      }
    }
    return true;
  }

  // At a '['.
  bool array(int depth) {
    bool done = false;
    if (!enter(depth, ']', done)) {
      return false;
    }
    while (!done) {
      if (!value(depth) || !separator(']', done)) {
        return false;
      }
    }
    return true;
  }

  // Printable ASCII other than a quote or a backslash: a byte the writer copies as it is and that
  // needs no UTF-8 check.
  static bool plain(char c) { return c >= 0x20 && c <= 0x7E && c != '"' && c != '\\'; }

  bool string(std::string_view& out) {
    if (p_ == end_ || *p_ != '"') {
      return false;
    }
    const char* start = ++p_;
    while (p_ != end_ && plain(*p_)) {
      ++p_;
    }
    if (p_ == end_ || *p_ != '"') {
      return false;
    }
    out = std::string_view(start, static_cast<size_t>(p_ - start));
    ++p_;
    return true;
  }

  // An int64 spelled as the writer spells it: no leading zero, no "-0", at most 18 digits. A
  // fraction or an exponent (a double, which Boost.JSON spells its own way) is refused by the
  // caller, which finds it where a separator belongs.
  bool integer() {
    const char* start = p_;
    if (*p_ == '-') {
      ++p_;
    }
    const char* digits = p_;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
      ++p_;
    }
    const auto n = static_cast<size_t>(p_ - digits);
    return n != 0 && n <= 18 && (digits[0] != '0' || (n == 1 && digits == start));
  }

  bool word(std::string_view w) {
    if (static_cast<size_t>(end_ - p_) < w.size() || std::string_view(p_, w.size()) != w) {
      return false;
    }
    p_ += w.size();
    return true;
  }

  const char* p_;
  const char* end_;
};

}  // namespace

bool is_compact_json_object(std::string_view text) { return CompactReader(text).whole_object(); }

void append_json_element(std::string& out, const simdjson::dom::element& e) {
  Sink sink(out);
  put_element(sink, e);
}

void append_json_string(std::string& out, std::string_view s) {
  const char* end = s.data() + s.size();
  const char* first = next_to_escape(s.data(), end);
  // Most strings (keys, ids, short deltas) need no escaping: plain appends beat a Sink's setup.
  if (first == end) {
    // A short one is quoted in a local buffer and appended in one call: each append is an
    // out-of-line call, and these strings are most of an encoder's appends.
    constexpr size_t kShort = 64;
    if (s.size() <= kShort) {
      char quoted[kShort + 2];
      quoted[0] = '"';
      std::memcpy(quoted + 1, s.data(), s.size());
      quoted[s.size() + 1] = '"';
      out.append(quoted, s.size() + 2);
      return;
    }
    out.push_back('"');
    out.append(s);
    out.push_back('"');
    return;
  }
  Sink sink(out);
  put_escaped(sink, s.data(), first, end);
}

void append_json_value(std::string& out, const boost::json::value& v) {
  Sink sink(out);
  put_value(sink, v);
}

void JsonWriter::uint(uint64_t n) {
  separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, end);
  need_comma_ = true;
}

namespace {

// Writes `d` as std::to_chars(d) writes it (shortest round-trip form): in this range fixed notation
// is shorter than scientific. `out` needs 8 bytes.
char* write_fixed(char* out, ShortDecimal d) {
  if (d.negative) {
    *out++ = '-';
  }
  constexpr uint32_t kScale[] = {1, 10, 100};
  const uint32_t scale = kScale[d.decimals];
  out = std::to_chars(out, out + 3, d.digits / scale).ptr;
  if (d.decimals != 0) {
    *out++ = '.';
    if (d.decimals == 2 && d.digits % scale < 10) {
      *out++ = '0';
    }
    out = std::to_chars(out, out + 2, d.digits % scale).ptr;
  }
  return out;
}

}  // namespace

void JsonWriter::number(double d) {
  separate();
  if (!std::isfinite(d)) {
    // JSON has no NaN/Infinity; a canonical value from another dialect could still hold one.
    out_.append("null");
  } else {
    // Shortest round-trip form: 0.7 stays "0.7" (Boost.JSON would write "7E-1").
    char buf[32];
    const auto short_form = short_decimal(d);
    char* end =
        short_form ? write_fixed(buf, *short_form) : std::to_chars(buf, buf + sizeof buf, d).ptr;
    out_.append(buf, end);
  }
  need_comma_ = true;
}

void JsonWriter::value(const boost::json::value& v) {
  separate();
  append_json_value(out_, v);
  need_comma_ = true;
}

}  // namespace heimdall::dialects
