#include "dialects/json_dom.hpp"

#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <array>
#include <vector>

namespace heimdall::dialects {

namespace dom = simdjson::dom;

namespace {

// The buffers take about 15 bytes per byte of the largest text parsed (structural indexes, tape,
// unescaped strings, the padded copy). They are kept between requests for texts up to this size
// (about 1 MB per worker thread) and released when a larger document dies, so one huge body does
// not pin its buffers to the worker for the life of the process.
constexpr size_t kKeptCapacity = 64 * 1024;

}  // namespace

struct JsonDocument::Buffers {
  dom::parser parser;
  // The text with SIMDJSON_PADDING readable bytes after it, which simdjson's kernels require.
  std::string padded;
  bool in_use = false;
};

JsonDocument::JsonDocument(std::string_view json, size_t max_depth) {
  thread_local Buffers shared;
  if (shared.in_use) {
    owned_ = std::make_unique<Buffers>();
    buffers_ = owned_.get();
  } else {
    buffers_ = &shared;
  }
  buffers_->in_use = true;
  std::string& padded = buffers_->padded;
  padded.assign(json);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  dom::parser& parser = buffers_->parser;
  if (parser.max_depth() != max_depth || parser.capacity() < json.size()) {
    if (parser.allocate(json.size(), max_depth) != simdjson::SUCCESS) {
      return;
    }
  }
  dom::element root;
  if (parser.parse(padded.data(), json.size(), false).get(root) == simdjson::SUCCESS) {
    root_ = root;
  }
}

JsonDocument::~JsonDocument() {
  if (buffers_->parser.capacity() > kKeptCapacity) {
    buffers_->parser = dom::parser{};
    buffers_->padded = std::string();
  }
  buffers_->in_use = false;
}

namespace {

// Builds through Boost.JSON's own value_stack, as its parser does: objects are made in one step
// with duplicate keys folded the parser's way, and no node is built twice.
void push(dom::element e, boost::json::value_stack& st) {
  switch (e.type()) {
    case dom::element_type::OBJECT: {
      const dom::object o = e.get_object().value_unsafe();
      size_t n = 0;
      for (const dom::key_value_pair kv : o) {
        st.push_key(kv.key);
        push(kv.value, st);
        ++n;
      }
      st.push_object(n);
      return;
    }
    case dom::element_type::ARRAY: {
      const dom::array a = e.get_array().value_unsafe();
      size_t n = 0;
      for (const dom::element v : a) {
        push(v, st);
        ++n;
      }
      st.push_array(n);
      return;
    }
    case dom::element_type::STRING:
      st.push_string(e.get_string().value_unsafe());
      return;
    case dom::element_type::INT64:
      st.push_int64(e.get_int64().value_unsafe());
      return;
    case dom::element_type::UINT64:
      st.push_uint64(e.get_uint64().value_unsafe());
      return;
    case dom::element_type::DOUBLE:
      st.push_double(e.get_double().value_unsafe());
      return;
    case dom::element_type::BOOL:
      st.push_bool(e.get_bool().value_unsafe());
      return;
    case dom::element_type::NULL_VALUE:
      st.push_null();
      return;
  }
}

}  // namespace

boost::json::value to_boost(dom::element e) {
  unsigned char temp[1024];
  boost::json::value_stack st({}, temp, sizeof temp);
  st.reset();
  push(e, st);
  return st.release();
}

std::optional<dom::element> find(dom::object o, std::string_view key) {
  std::optional<dom::element> found;
  for (const dom::key_value_pair kv : o) {
    if (kv.key == key) {
      found = kv.value;
    }
  }
  return found;
}

std::optional<std::string_view> get_string(dom::object o, std::string_view key) {
  std::string_view s;
  if (auto v = find(o, key); v && v->get_string().get(s) == simdjson::SUCCESS) {
    return s;
  }
  return std::nullopt;
}

std::optional<dom::object> get_object(dom::object o, std::string_view key) {
  dom::object out;
  if (auto v = find(o, key); v && v->get_object().get(out) == simdjson::SUCCESS) {
    return out;
  }
  return std::nullopt;
}

std::optional<dom::array> get_array(dom::object o, std::string_view key) {
  dom::array out;
  if (auto v = find(o, key); v && v->get_array().get(out) == simdjson::SUCCESS) {
    return out;
  }
  return std::nullopt;
}

std::optional<uint64_t> get_uint(dom::object o, std::string_view key) {
  const auto v = find(o, key);
  if (!v) {
    return std::nullopt;
  }
  switch (v->type()) {
    case dom::element_type::UINT64:
      return v->get_uint64().value_unsafe();
    case dom::element_type::INT64: {
      const int64_t n = v->get_int64().value_unsafe();
      return n < 0 ? 0 : static_cast<uint64_t>(n);
    }
    case dom::element_type::DOUBLE: {
      const double d = v->get_double().value_unsafe();
      if (d >= 0) {
        return static_cast<uint64_t>(d);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

namespace {

// Whether two members of `o` share a key; `size` receives the member count.
bool has_duplicate_keys(dom::object o, size_t& size) {
  constexpr size_t kInline = 32;
  std::array<std::string_view, kInline> inline_keys;
  std::vector<std::string_view> many;
  size_t n = 0;
  for (const dom::key_value_pair kv : o) {
    if (n < kInline) {
      inline_keys[n] = kv.key;
    } else {
      if (many.empty()) {
        many.assign(inline_keys.begin(), inline_keys.end());
      }
      many.push_back(kv.key);
    }
    ++n;
  }
  size = n;
  if (n <= kInline) {
    for (size_t i = 1; i < n; ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (inline_keys[i] == inline_keys[j]) {
          return true;
        }
      }
    }
    return false;
  }
  std::sort(many.begin(), many.end());
  return std::adjacent_find(many.begin(), many.end()) != many.end();
}

// The value of the member at `position` as Boost.JSON keeps it (its key's last value), or nullopt
// when an earlier member has the same key.
std::optional<dom::element> distinct_member(dom::object o, size_t position) {
  std::string_view key;
  std::optional<dom::element> value;
  size_t i = 0;
  for (const dom::key_value_pair kv : o) {
    if (i < position) {
      ++i;
      continue;
    }
    if (i == position) {
      key = kv.key;
      value = kv.value;
      ++i;
      // Members before `position` are checked below, once the key is known.
      size_t j = 0;
      for (const dom::key_value_pair earlier : o) {
        if (j++ == position) {
          break;
        }
        if (earlier.key == key) {
          return std::nullopt;
        }
      }
      continue;
    }
    if (kv.key == key) {
      value = kv.value;
    }
  }
  return value;
}

}  // namespace

std::optional<double> as_number(dom::element v) {
  switch (v.type()) {
    case dom::element_type::DOUBLE:
      return v.get_double().value_unsafe();
    case dom::element_type::INT64:
      return static_cast<double>(v.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return static_cast<double>(v.get_uint64().value_unsafe());
    default:
      return std::nullopt;
  }
}

DistinctMembers::DistinctMembers(dom::object o) : object_(o), end_(o.end()) {
  folded_ = has_duplicate_keys(o, size_);
}

void DistinctMembers::iterator::settle_folded() {
  for (; it_ != members_->end_; ++it_, ++position_) {
    if (const auto value = distinct_member(members_->object_, position_)) {
      value_ = *value;
      return;
    }
  }
}

}  // namespace heimdall::dialects
