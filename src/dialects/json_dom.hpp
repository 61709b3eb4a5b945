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
#include <utility>

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

/// A number of any JSON kind as a double.
std::optional<double> as_number(simdjson::dom::element v);

/// The members of an object as a Boost.JSON object parsed from the same text holds them: each key
/// once, at its first position, with its last value. Duplicate keys are valid JSON but rare, so
/// they are looked for once and folded only when present.
///   for (const auto [key, value] : DistinctMembers(object)) { … }
class DistinctMembers {
 public:
  explicit DistinctMembers(simdjson::dom::object o);

  class iterator {
   public:
    std::pair<std::string_view, simdjson::dom::element> operator*() const {
      return {it_.key(), value_};
    }
    iterator& operator++() {
      ++it_;
      ++position_;
      settle();
      return *this;
    }
    bool operator!=(const iterator& other) const { return it_ != other.it_; }

   private:
    friend class DistinctMembers;
    iterator(const DistinctMembers& members, simdjson::dom::object::iterator it, size_t position)
        : members_(&members), it_(it), position_(position) {
      settle();
    }
    // Takes the value of the current member; when keys repeat, first moves past members whose key
    // came earlier.
    void settle() {
      if (members_->folded_) {
        settle_folded();
      } else if (it_ != members_->end_) {
        value_ = it_.value();
      }
    }
    void settle_folded();

    const DistinctMembers* members_;
    simdjson::dom::object::iterator it_;
    size_t position_;
    simdjson::dom::element value_;
  };

  iterator begin() const { return iterator(*this, object_.begin(), 0); }
  iterator end() const { return iterator(*this, end_, size_); }

 private:
  simdjson::dom::object object_;
  simdjson::dom::object::iterator end_;
  size_t size_ = 0;
  bool folded_ = false;
};

}  // namespace heimdall::dialects
