// Parsing for the codecs' hot decoders: simdjson's DOM with one parser per thread, reused from one
// request to the next, and the deep copy of a parsed value into Boost.JSON for the JSON the
// canonical model keeps (extras, tool schemas, opaque parts). Boost.JSON's parser was over half of
// every decode (bench/micro: 42 k of 73 k instructions for a 2 KB OpenAI request); simdjson
// parses the same body in a third of that. Used by the OpenAI Chat decoders.
#pragma once

#include <simdjson.h>
#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall::dialects {

/// One parse of untrusted JSON text. The thread's parser and padded copy of the text are reused,
/// so elements from root() stay valid only while this object lives; a document created while
/// another is alive on the same thread gets a parser of its own.
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

 private:
  struct Buffers;
  Buffers* buffers_;  // the thread's, or owned_ when the thread's are in use
  std::unique_ptr<Buffers> owned_;
  std::optional<simdjson::dom::element> root_;
};

/// A deep copy on the default heap. Duplicate keys keep the first key's position and the last
/// value, as Boost.JSON's parser does, so kept JSON re-encodes as it did when Boost parsed it.
boost::json::value to_boost(simdjson::dom::element e);

// Member access that tolerates any JSON shape (untrusted input never throws). A duplicated key
// reads as its last value, as in a Boost.JSON object.
std::optional<simdjson::dom::element> find(simdjson::dom::object o, std::string_view key);
std::optional<std::string_view> get_string(simdjson::dom::object o, std::string_view key);
std::optional<simdjson::dom::object> get_object(simdjson::dom::object o, std::string_view key);
std::optional<simdjson::dom::array> get_array(simdjson::dom::object o, std::string_view key);
/// A token count: unsigned integers, negative ones as 0, non-negative doubles truncated.
std::optional<uint64_t> get_uint(simdjson::dom::object o, std::string_view key);

/// Whether two members of `o` share a key: valid JSON, rare, and read the way Boost.JSON folds it
/// (below) only then, so the common case costs one pass over the keys.
bool has_duplicate_keys(simdjson::dom::object o);

/// The value of the member at `position` as a Boost.JSON object parsed from the same text holds it
/// (its key's last value), or nullopt when an earlier member has the same key: iterating with this
/// visits each key once, at its first position, the way Boost.JSON's parser folds duplicates.
std::optional<simdjson::dom::element> distinct_member(simdjson::dom::object o, size_t position);

}  // namespace heimdall::dialects
