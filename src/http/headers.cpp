#include "http/headers.hpp"

#include <algorithm>

namespace heimdall::http {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

void HeaderList::add(std::string_view name, std::string_view value) {
  fields_.emplace_back(to_lower(name), std::string(value));
}

void HeaderList::set(std::string_view name, std::string_view value) {
  remove(name);
  add(name, value);
}

void HeaderList::remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& f) { return iequals(f.first, name); });
}

std::optional<std::string_view> HeaderList::get(std::string_view name) const {
  for (const auto& f : fields_) {
    if (iequals(f.first, name)) return std::string_view(f.second);
  }
  return std::nullopt;
}

}  // namespace heimdall::http
