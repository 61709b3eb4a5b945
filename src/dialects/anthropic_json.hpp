// Private to the Anthropic codec: a small append-only JSON writer and read helpers over Boost.JSON
// values. The writer exists because the codec emits bodies and SSE frames on the hot path: building
// a boost::json::value first and then serialising it would allocate every node twice. Key order is
// the order of the calls, so the output is stable (golden tests, caches keyed on bytes).
#pragma once

#include "dialects/json_text.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall::dialects::anthropic_detail {

// Appends JSON to a caller-owned string. Commas are inserted by tracking whether the previous token
// ended a value; no nesting stack is needed because every container is opened and closed
// explicitly.
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
  void string(std::string_view s) {
    separate();
    append_json_string(out_, s);
    need_comma_ = true;
  }
  void uint(uint64_t n);
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
  void field(std::string_view k, std::string_view s) {
    key(k);
    string(s);
  }
  void field_uint(std::string_view k, uint64_t n) {
    key(k);
    uint(n);
  }
  void field_bool(std::string_view k, bool b) {
    key(k);
    boolean(b);
  }

 private:
  void separate() {
    if (need_comma_) {
      out_.push_back(',');
    }
  }
  std::string& out_;
  bool need_comma_ = false;
};

// Read helpers: never throw, return nullopt / nullptr when the value has another kind.
const boost::json::value* find(const boost::json::object& o, std::string_view key);
// A non-negative integer; accepts integral doubles (1024.0) the way Anthropic's validator does.
std::optional<uint64_t> as_uint(const boost::json::value& v);
std::optional<int64_t> as_int(const boost::json::value& v);
std::optional<double> as_number(const boost::json::value& v);

// Parse options shared by every decoder: nesting deeper than this is refused, so a hostile body
// cannot exhaust the stack in the recursive block decoders or value destructors.
inline constexpr unsigned kMaxJsonDepth = 64;

}  // namespace heimdall::dialects::anthropic_detail
