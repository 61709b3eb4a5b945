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
#include <string_view>

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

}  // namespace heimdall::dialects
