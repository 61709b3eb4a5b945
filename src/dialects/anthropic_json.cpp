#include "dialects/anthropic_json.hpp"

#include <cmath>
#include <limits>

namespace heimdall::dialects::anthropic_detail {

const boost::json::value* find(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

std::optional<uint64_t> as_uint(const boost::json::value& v) {
  if (const auto* u = v.if_uint64()) {
    return *u;
  }
  if (const auto* i = v.if_int64()) {
    if (*i >= 0) {
      return static_cast<uint64_t>(*i);
    }
    return std::nullopt;
  }
  if (const auto* d = v.if_double()) {
    if (*d >= 0 && *d < 18446744073709551616.0 && std::trunc(*d) == *d) {
      return static_cast<uint64_t>(*d);
    }
  }
  return std::nullopt;
}

std::optional<int64_t> as_int(const boost::json::value& v) {
  if (const auto* i = v.if_int64()) {
    return *i;
  }
  if (const auto* u = v.if_uint64()) {
    if (*u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<int64_t>(*u);
    }
    return std::nullopt;
  }
  if (const auto* d = v.if_double()) {
    if (*d >= -9223372036854775808.0 && *d < 9223372036854775808.0 && std::trunc(*d) == *d) {
      return static_cast<int64_t>(*d);
    }
  }
  return std::nullopt;
}

std::optional<double> as_number(const boost::json::value& v) {
  if (const auto* d = v.if_double()) {
    return *d;
  }
  if (const auto* i = v.if_int64()) {
    return static_cast<double>(*i);
  }
  if (const auto* u = v.if_uint64()) {
    return static_cast<double>(*u);
  }
  return std::nullopt;
}

}  // namespace heimdall::dialects::anthropic_detail
