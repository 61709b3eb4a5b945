#include "dialects/anthropic_json.hpp"

#include <cmath>
#include <limits>

namespace heimdall::dialects::anthropic_detail {

const boost::json::value* find(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

namespace dom = simdjson::dom;

std::optional<uint64_t> as_uint(dom::element v) {
  switch (v.type()) {
    case dom::element_type::UINT64:
      return v.get_uint64().value_unsafe();
    case dom::element_type::INT64: {
      const int64_t i = v.get_int64().value_unsafe();
      return i >= 0 ? std::optional<uint64_t>(static_cast<uint64_t>(i)) : std::nullopt;
    }
    case dom::element_type::DOUBLE: {
      const double d = v.get_double().value_unsafe();
      if (d >= 0 && d < 18446744073709551616.0 && std::trunc(d) == d) {
        return static_cast<uint64_t>(d);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<int64_t> as_int(dom::element v) {
  switch (v.type()) {
    case dom::element_type::INT64:
      return v.get_int64().value_unsafe();
    case dom::element_type::UINT64: {
      const uint64_t u = v.get_uint64().value_unsafe();
      if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return static_cast<int64_t>(u);
      }
      return std::nullopt;
    }
    case dom::element_type::DOUBLE: {
      const double d = v.get_double().value_unsafe();
      if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d) {
        return static_cast<int64_t>(d);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace heimdall::dialects::anthropic_detail
