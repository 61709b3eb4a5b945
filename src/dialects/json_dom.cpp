#include "dialects/json_dom.hpp"

#include <boost/json/value_stack.hpp>

#include <memory>
#include <unordered_map>
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

JsonDocument::Buffers* JsonDocument::thread_buffers() {
  thread_local Buffers shared[kThreadBuffers];
  return shared;
}

size_t JsonDocument::kept_bytes_for_test() {
  size_t kept = 0;
  for (size_t i = 0; i < kThreadBuffers; ++i) {
    const Buffers& b = thread_buffers()[i];
    kept += b.parser.capacity() + b.padded.capacity();
  }
  return kept;
}

JsonDocument::Buffers* JsonDocument::free_thread_buffers(size_t max_depth) {
  // A parser given another depth limit reallocates its buffers (and shrinks its capacity to the
  // text's), which cost more than a small document's parse when the translated paths took turns
  // at 32 and 64 on one parser. So: a free parser with this limit, else one never used, else any.
  Buffers* shared = thread_buffers();
  Buffers* unused = nullptr;
  Buffers* other = nullptr;
  for (size_t i = 0; i < kThreadBuffers; ++i) {
    Buffers& b = shared[i];
    if (b.in_use) {
      continue;
    }
    if (b.parser.capacity() == 0) {
      unused = unused != nullptr ? unused : &b;
    } else if (b.parser.max_depth() == max_depth) {
      return &b;
    } else {
      other = other != nullptr ? other : &b;
    }
  }
  return unused != nullptr ? unused : other;
}

JsonDocument::JsonDocument(std::string_view json, size_t max_depth)
    : buffers_(free_thread_buffers(max_depth)) {
  if (buffers_ == nullptr) {
    owned_ = std::make_unique<Buffers>();
    buffers_ = owned_.get();
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
    std::string().swap(buffers_->padded);  // move-assigning an empty string keeps the buffer
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
  // A scalar is built directly: a value_stack's set-up and release cost more than the value (a
  // null `citations` in every Anthropic text block).
  switch (e.type()) {
    case dom::element_type::STRING:
      return boost::json::value(e.get_string().value_unsafe());
    case dom::element_type::INT64:
      return boost::json::value(e.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return boost::json::value(e.get_uint64().value_unsafe());
    case dom::element_type::DOUBLE:
      return boost::json::value(e.get_double().value_unsafe());
    case dom::element_type::BOOL:
      return boost::json::value(e.get_bool().value_unsafe());
    case dom::element_type::NULL_VALUE:
      return boost::json::value(nullptr);
    case dom::element_type::OBJECT:
    case dom::element_type::ARRAY:
      break;
  }
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

bool has_key(dom::object o, std::string_view key) {
  for (const dom::key_value_pair kv : o) {
    if (kv.key == key) {
      return true;
    }
  }
  return false;
}

std::optional<std::string_view> string_of(std::optional<dom::element> v) {
  std::string_view s;
  if (v && v->get_string().get(s) == simdjson::SUCCESS) {
    return s;
  }
  return std::nullopt;
}

std::optional<dom::object> object_of(std::optional<dom::element> v) {
  dom::object out;
  if (v && v->get_object().get(out) == simdjson::SUCCESS) {
    return out;
  }
  return std::nullopt;
}

std::optional<dom::array> array_of(std::optional<dom::element> v) {
  dom::array out;
  if (v && v->get_array().get(out) == simdjson::SUCCESS) {
    return out;
  }
  return std::nullopt;
}

std::optional<uint64_t> uint_of(std::optional<dom::element> v) {
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

std::optional<std::string_view> get_string(dom::object o, std::string_view key) {
  return string_of(find(o, key));
}
std::optional<dom::object> get_object(dom::object o, std::string_view key) {
  return object_of(find(o, key));
}
std::optional<dom::array> get_array(dom::object o, std::string_view key) {
  return array_of(find(o, key));
}
std::optional<uint64_t> get_uint(dom::object o, std::string_view key) {
  return uint_of(find(o, key));
}
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

struct Members::Large {
  std::vector<Member> items;
  std::unordered_map<std::string_view, size_t> index;
};

Members::Members(dom::object o) : items_(reinterpret_cast<Member*>(inline_)) {
  for (const dom::key_value_pair kv : o) {
    if (large_) {
      const auto [it, added] = large_->index.try_emplace(kv.key, large_->items.size());
      if (added) {
        large_->items.push_back({kv.key, kv.value});
      } else {
        large_->items[it->second].value = kv.value;
      }
      continue;
    }
    Member* same = nullptr;
    for (Member* m = items_; m != items_ + size_; ++m) {
      // Most keys differ in length or first byte: memcmp is called for few pairs.
      if (same_key(m->key, kv.key)) {
        same = m;
        break;
      }
    }
    if (same != nullptr) {
      same->value = kv.value;
    } else if (size_ < kInline) {
      std::construct_at(items_ + size_++, Member{kv.key, kv.value});
    } else {
      large_ = std::make_unique<Large>();
      large_->items.assign(items_, items_ + size_);
      large_->items.push_back({kv.key, kv.value});
      for (size_t i = 0; i < large_->items.size(); ++i) {
        large_->index.emplace(large_->items[i].key, i);
      }
    }
  }
  if (large_) {
    items_ = large_->items.data();
    size_ = large_->items.size();
  }
}

Members::~Members() = default;

std::optional<dom::element> Members::find_large(std::string_view key) const {
  if (const auto it = large_->index.find(key); it != large_->index.end()) {
    return items_[it->second].value;
  }
  return std::nullopt;
}

}  // namespace heimdall::dialects
