#include "mock_response.hpp"

namespace heimdall::mock {

namespace {

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string_view> find_header(const HeaderFields& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals_ascii(key, name)) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

std::string_view MockRequest::path() const {
  const size_t q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

std::string_view MockRequest::query() const {
  const size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

}  // namespace heimdall::mock
