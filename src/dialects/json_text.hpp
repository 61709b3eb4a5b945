// JSON text output shared by the dialect codecs: string escaping, a writer for parsed Boost.JSON
// values (tool inputs and schemas, extras) and JsonWriter, with which every encoder writes its
// bodies and SSE frames. Values are written as boost::json::serialize writes them, directly into
// the caller's string: the library's serializer goes through a suspendable state machine and, in
// serialize(), a zero-filled buffer, and building a boost::json::value only to serialise it
// allocates every node twice; both were the largest costs of encoding (bench/micro).
#pragma once

#include <boost/json/value.hpp>

namespace simdjson::dom {
class element;
}

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace heimdall::dialects {

/// Appends `s` as a JSON string literal (quotes included), escaped as Boost.JSON escapes it: `"`,
/// `\` and control characters only; other bytes (UTF-8 included) pass unchanged.
void append_json_string(std::string& out, std::string_view s);

/// Appends `v` as compact JSON, byte for byte what boost::json::serialize(v) returns.
void append_json_value(std::string& out, const boost::json::value& v);

/// Appends a parsed value as compact JSON, byte for byte what append_json_value(to_boost(e)) writes
/// (duplicate keys folded the same way), without building the Boost.JSON value: for kept JSON that
/// encoders only re-emit (tool schemas).
void append_json_element(std::string& out, const simdjson::dom::element& e);

/// Whether `text` is one JSON object written exactly as append_json_element writes it once parsed,
/// so that it can be kept as it is: no whitespace, strings of printable ASCII without escapes,
/// integers of at most 18 digits, no key twice in an object. False for anything else, valid or
/// not (the caller then parses); the usual shape of a model's tool-call arguments.
bool is_compact_json_object(std::string_view text);

// Appends JSON to a caller-owned string. Commas are inserted by tracking whether the previous token
// ended a value; no nesting stack is needed because every container is opened and closed
// explicitly. Key order is the order of the calls, so the output is stable (golden tests, caches
// keyed on bytes).
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() {
    separate();
    out_.push_back('{');
    need_comma_ = false;
  }
  void end_object() {
    out_.push_back('}');
    need_comma_ = true;
  }
  void begin_array() {
    separate();
    out_.push_back('[');
    need_comma_ = false;
  }
  void end_array() {
    out_.push_back(']');
    need_comma_ = true;
  }
  /// Writes `"k":`; the next call writes the value.
  void key(std::string_view k) {
    separate();
    append_json_string(out_, k);
    out_.push_back(':');
    need_comma_ = false;
  }
  /// A key spelled in the source (`w.key("role")`): the codecs' own member names never need
  /// escaping, so the scan is skipped; keys that come from input take the overload above. Keys
  /// and values spelled in the source must not hold a quote, a backslash or a control character.
  template <size_t N>
  void key(const char (&k)[N]) {
    literal(k, true);
    need_comma_ = false;
  }
  void string(std::string_view s) {
    separate();
    append_json_string(out_, s);
    need_comma_ = true;
  }
  /// A value spelled in the source (`"assistant"`, `"tool_use"`): written without the escape scan,
  /// like literal keys, so it must not hold a quote, a backslash or a control character.
  template <size_t N>
  void string(const char (&s)[N]) {
    literal(s, false);
    need_comma_ = true;
  }
  void uint(uint64_t n);
  /// Shortest round-trip form (0.7 → "0.7"); null for NaN and infinities, which JSON lacks. Bodies
  /// that must keep Boost.JSON's spelling ("7E-1") write `value(boost::json::value(d))`.
  void number(double d);
  void boolean(bool b) {
    separate();
    out_.append(b ? "true" : "false");
    need_comma_ = true;
  }
  void null() {
    separate();
    out_.append("null");
    need_comma_ = true;
  }
  /// Writes an already-parsed JSON value (extras, tool inputs, opaque blocks).
  void value(const boost::json::value& v);
  /// Writes pre-serialised JSON text verbatim; the caller guarantees it is one valid JSON value.
  void raw_json(std::string_view json) {
    separate();
    out_.append(json);
    need_comma_ = true;
  }

  // Shorthands for `key` + value.
  template <class Key, class Value>
  void field(const Key& k, const Value& s) {
    key(k);
    string(s);
  }
  template <class Key>
  void field_uint(const Key& k, uint64_t n) {
    key(k);
    uint(n);
  }
  template <class Key>
  void field_bool(const Key& k, bool b) {
    key(k);
    boolean(b);
  }

 private:
  void separate() {
    if (need_comma_) {
      out_.push_back(',');
    }
  }
  // Writes `,"s"` (the comma when one is due, a colon after a key) in one append: each append is
  // an out-of-line call, and literal keys and values are most of a writer's calls.
  template <size_t N>
  void literal(const char (&s)[N], bool colon) {
    char text[N + 3] = {',', '"'};
    std::memcpy(text + 2, s, N - 1);
    text[N + 1] = '"';
    text[N + 2] = ':';
    const size_t skip = need_comma_ ? 0 : 1;
    out_.append(text + skip, sizeof text - skip - (colon ? 0 : 1));
  }
  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace heimdall::dialects
