// Parsing for the codecs' hot decoders: simdjson's DOM with one parser per thread, reused from one
// request to the next, and the deep copy of a parsed value into Boost.JSON for the JSON the
// canonical model keeps (extras, tool schemas, opaque parts). Boost.JSON's parser was over half of
// every decode (bench/micro: 42 k of 73 k instructions for a 2 KB OpenAI request); simdjson
// parses the same body in a third of that. Used by the OpenAI Chat decoders.
#pragma once

#include <simdjson.h>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace heimdall::dialects {

/// One parse of untrusted JSON text. The thread's parser and padded copy of the text are reused,
/// so elements from root() stay valid only while this object lives. A thread keeps three (see
/// thread_buffers); a fourth document alive at once gets a parser of its own.
class JsonDocument {
 public:
  /// `max_depth`: nesting deeper than this is invalid (Boost.JSON counts depth the same way, and
  /// refuses more than 32 by default).
  JsonDocument(std::string_view json, size_t max_depth);
  ~JsonDocument();
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  /// The root value; nullopt when the text is not one valid JSON value (syntax, UTF-8, nesting,
  /// or a number outside the int64/uint64/double ranges).
  std::optional<simdjson::dom::element> root() const { return root_; }

  /// What this thread's parsers keep for the next documents: parser capacity plus the padded
  /// copies', in bytes.
  static size_t kept_bytes_for_test();

 private:
  struct Buffers;
  // Three per thread: tool-call arguments (JSON text inside a JSON string) are parsed while the
  // body's document is alive, and a translated exchange parses at two depth limits (a caller's
  // body at one dialect's, the provider's answer at the other's), each kept by a parser of its own.
  static constexpr size_t kThreadBuffers = 3;
  static Buffers* thread_buffers();
  // The thread's free buffers to parse with at `max_depth`, or nullptr when all are in use.
  static Buffers* free_thread_buffers(size_t max_depth);
  Buffers* buffers_;  // the thread's, or owned_ when the thread's are in use
  std::unique_ptr<Buffers> owned_;
  std::optional<simdjson::dom::element> root_;
};

/// A deep copy on the default heap. Duplicate keys keep the first key's position and the last
/// value, as Boost.JSON's parser does, so kept JSON re-encodes as it did when Boost parsed it.
boost::json::value to_boost(simdjson::dom::element e);

/// The members of one object, read in one pass over it: each key once, at its first position, with
/// its last value, as a Boost.JSON object parsed from the same text holds them. Lookups scan this
/// short list instead of walking the object again: with the last value winning, every lookup walked
/// the whole object (bench/micro), and a decoder reads several keys of each object.
///   const Members m(object);
///   auto text = get_string(m, "text");
///   for (const auto& [key, value] : m) { … }
class Members {
 public:
  struct Member {
    std::string_view key;
    simdjson::dom::element value;
  };

  explicit Members(simdjson::dom::object o);
  ~Members();
  /// Whether two keys of one object fold into one member. An empty key never folds with another
  /// while the object is small (kInline keys or fewer), as this class has always read them.
  static bool same_key(std::string_view a, std::string_view b) {
    return a.size() == b.size() && !b.empty() && a[0] == b[0] && a == b;
  }
  /// Objects with more keys than this take the heap with a hash index.
  static constexpr size_t kInline = 16;
  // items_ may point into this object.
  Members(const Members&) = delete;
  Members& operator=(const Members&) = delete;

  /// Inline so that a key spelled in the source is compared with a load, not a call to memcmp.
  std::optional<simdjson::dom::element> find(std::string_view key) const {
    if (large_) {
      return find_large(key);
    }
    for (const Member& m : *this) {
      if (m.key.size() == key.size() && std::memcmp(m.key.data(), key.data(), key.size()) == 0) {
        return m.value;
      }
    }
    return std::nullopt;
  }
  const Member* begin() const { return items_; }
  const Member* end() const { return items_ + size_; }
  size_t size() const { return size_; }

 private:
  // Objects the codecs read by key are small; larger ones (extras, arbitrary maps) go to the heap
  // with a hash index, so a body with many keys costs linear time, not quadratic.
  struct Large;
  std::optional<simdjson::dom::element> find_large(std::string_view key) const;

  Member* items_;
  size_t size_ = 0;
  std::unique_ptr<Large> large_;
  // Raw storage: members are constructed as they are read, not all sixteen up front.
  alignas(Member) std::byte inline_[kInline * sizeof(Member)];
};

// Member access that tolerates any JSON shape (untrusted input never throws). A duplicated key
// reads as its last value, as in a Boost.JSON object. The dom::object forms walk the object once
// per call; an object read for more than one key is read through Members.
std::optional<simdjson::dom::element> find(simdjson::dom::object o, std::string_view key);
std::optional<std::string_view> get_string(simdjson::dom::object o, std::string_view key);
std::optional<simdjson::dom::object> get_object(simdjson::dom::object o, std::string_view key);
std::optional<simdjson::dom::array> get_array(simdjson::dom::object o, std::string_view key);
/// A token count: unsigned integers, negative ones as 0, non-negative doubles truncated.
std::optional<uint64_t> get_uint(simdjson::dom::object o, std::string_view key);
/// Whether `o` has `key`: stops at the first, where find() must walk the whole object for the last.
bool has_key(simdjson::dom::object o, std::string_view key);

/// Whether `s` is `literal`, compared inline: std::string_view's == calls an out-of-line compare()
/// whenever the sizes match, which the decoders' dispatch on keys, roles and types does at least
/// once per member, at about 40 instructions a call.
template <size_t N>
bool equals(std::string_view s, const char (&literal)[N]) {
  return s.size() == N - 1 && std::memcmp(s.data(), literal, N - 1) == 0;
}

/// The value of a member as a string, object, array or token count (see get_uint), when it is one.
std::optional<std::string_view> string_of(std::optional<simdjson::dom::element> v);
std::optional<simdjson::dom::object> object_of(std::optional<simdjson::dom::element> v);
std::optional<simdjson::dom::array> array_of(std::optional<simdjson::dom::element> v);
std::optional<uint64_t> uint_of(std::optional<simdjson::dom::element> v);

inline std::optional<simdjson::dom::element> find(const Members& m, std::string_view key) {
  return m.find(key);
}
inline std::optional<std::string_view> get_string(const Members& m, std::string_view key) {
  return string_of(m.find(key));
}
inline std::optional<simdjson::dom::object> get_object(const Members& m, std::string_view key) {
  return object_of(m.find(key));
}
inline std::optional<simdjson::dom::array> get_array(const Members& m, std::string_view key) {
  return array_of(m.find(key));
}
inline std::optional<uint64_t> get_uint(const Members& m, std::string_view key) {
  return uint_of(m.find(key));
}

/// A number of any JSON kind as a double.
std::optional<double> as_number(simdjson::dom::element v);

}  // namespace heimdall::dialects
