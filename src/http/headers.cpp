#include "http/headers.hpp"

#include <algorithm>

namespace heimdall::http {

namespace {

// A request, its upstream copy and a response each carry about a dozen fields: one allocation
// up front instead of the vector's doubling steps.
constexpr size_t kReservedFields = 16;

void lower_in_place(std::string& s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  lower_in_place(out);
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
  if (fields_.capacity() == 0) fields_.reserve(kReservedFields);
  lower_in_place(fields_.emplace_back(name, value).first);
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
