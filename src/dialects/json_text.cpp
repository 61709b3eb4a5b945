#include "dialects/json_text.hpp"

#include <boost/json/serializer.hpp>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>

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

 private:
  void flush() {
    out_.append(buf_, static_cast<size_t>(p_ - buf_));
    p_ = buf_;
  }

  std::string& out_;
  char buf_[2048];
  char* p_ = buf_;
};

// Boost.JSON's number spelling for doubles (e.g. 7E-1) is kept so bodies stay byte-identical;
// doubles are rare in bodies (sampling knobs, schema bounds), so its serializer is cheap here.
void put_double(Sink& sink, const boost::json::value& v) {
  boost::json::serializer sr;
  sr.reset(&v);
  char buf[64];
  while (!sr.done()) {
    sink.put(sr.read(buf, sizeof buf));
  }
}

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The index of the first byte at or after `from` that needs escaping, or s.size(). Text is mostly
// plain, so the scan takes sixteen bytes per step where SSE2 exists (every x86-64): a byte-wise
// loop was half the cost of encoding a request.
size_t next_to_escape(std::string_view s, size_t from) {
  size_t i = from;
#if defined(__SSE2__)
  const __m128i kControlMax = _mm_set1_epi8(0x1F);
  const __m128i kQuote = _mm_set1_epi8('"');
  const __m128i kBackslash = _mm_set1_epi8('\\');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // Unsigned w <= 0x1F exactly when min(w, 0x1F) == w.
    const __m128i hit =
        _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(w, kControlMax), w),
                     _mm_or_si128(_mm_cmpeq_epi8(w, kQuote), _mm_cmpeq_epi8(w, kBackslash)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
    if (mask != 0) {
      return i + static_cast<size_t>(std::countr_zero(mask));
    }
  }
#endif
  while (i < s.size() && !needs_escape(static_cast<unsigned char>(s[i]))) {
    ++i;
  }
  return i;
}

template <class Integer>
void put_integer(Sink& sink, Integer n) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  sink.put(buf, static_cast<size_t>(end - buf));
}

void put_string(Sink& sink, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  sink.put('"');
  size_t run = 0;  // start of the current run of bytes that need no escaping
  for (size_t i = next_to_escape(s, 0); i < s.size(); i = next_to_escape(s, run)) {
    sink.put(s.data() + run, i - run);
    run = i + 1;
    const auto c = static_cast<unsigned char>(s[i]);
    const char* esc = nullptr;
    switch (c) {
      case '"':
        esc = "\\\"";
        break;
      case '\\':
        esc = "\\\\";
        break;
      case '\n':
        esc = "\\n";
        break;
      case '\r':
        esc = "\\r";
        break;
      case '\t':
        esc = "\\t";
        break;
      case '\b':
        esc = "\\b";
        break;
      case '\f':
        esc = "\\f";
        break;
      default: {
        const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        sink.put(u, sizeof u);
        continue;
      }
    }
    sink.put(esc, 2);
  }
  sink.put(s.data() + run, s.size() - run);
  sink.put('"');
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
      put_double(sink, v);
      break;
    case boost::json::kind::string:
      put_string(sink, v.get_string());
      break;
    case boost::json::kind::array: {
      sink.put('[');
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) {
          sink.put(',');
        }
        first = false;
        put_value(sink, e);
      }
      sink.put(']');
      break;
    }
    case boost::json::kind::object: {
      sink.put('{');
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) {
          sink.put(',');
        }
        first = false;
        put_string(sink, kv.key());
        sink.put(':');
        put_value(sink, kv.value());
      }
      sink.put('}');
      break;
    }
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  // Most strings (keys, ids, short deltas) need no escaping: three appends beat a Sink's setup.
  if (next_to_escape(s, 0) == s.size()) {
    out.push_back('"');
    out.append(s);
    out.push_back('"');
    return;
  }
  Sink sink(out);
  put_string(sink, s);
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

void JsonWriter::number(double d) {
  separate();
  if (!std::isfinite(d)) {
    // JSON has no NaN/Infinity; a canonical value from another dialect could still hold one.
    out_.append("null");
  } else {
    // Shortest round-trip form: 0.7 stays "0.7" (Boost.JSON would write "7E-1").
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
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
