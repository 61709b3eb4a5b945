#include "http/headers.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace heimdall::http {

namespace {

// A request, its upstream copy and a response each carry about a dozen fields: one allocation
// up front instead of the vector's doubling steps.
constexpr size_t kReservedFields = 16;

constexpr uint64_t kEachByte = 0x0101010101010101ull;

char lower(char c) {
  // Branchless: c - 'A' wraps around for bytes below 'A'.
  const auto u = static_cast<unsigned char>(c);
  return static_cast<char>(u | (static_cast<unsigned char>(u - 'A') < 26u ? 0x20 : 0));
}

// Eight bytes at once: every field name of every request, upstream request and response passes
// here, and a byte at a time was the larger part of adding a field.
uint64_t lower_word(uint64_t w) {
  const uint64_t low7 = w & (0x7f * kEachByte);
  const uint64_t at_least_a = low7 + (0x80 - 'A') * kEachByte;   // high bit: byte >= 'A'
  const uint64_t above_z = low7 + (0x80 - 'Z' - 1) * kEachByte;  // high bit: byte > 'Z'
  const uint64_t upper = at_least_a & ~above_z & ~w & (0x80 * kEachByte);
  return w | (upper >> 2);  // 0x80 >> 2 is the case bit 0x20
}

void lower_word_at(char* s) {
  uint64_t w;
  std::memcpy(&w, s, 8);
  w = lower_word(w);
  std::memcpy(s, &w, 8);
}

void lower_in_place(char* s, size_t n) {
  if (n < 8) {
    for (size_t i = 0; i < n; ++i) s[i] = lower(s[i]);
    return;
  }
  for (size_t i = 0; i + 8 <= n; i += 8) lower_word_at(s + i);
  // The tail as the last eight bytes, overlapping: lowering twice changes nothing.
  lower_word_at(s + n - 8);
}

// Whether `name` (any case) is `stored` (lower-case).
bool is_name(std::string_view stored, std::string_view name) {
  if (stored.size() != name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (lower(name[i]) != stored[i]) return false;
  }
  return true;
}

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  lower_in_place(out.data(), out.size());
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

void HeaderList::add(std::string_view name, std::string_view value) {
  if (fields_.capacity() == 0) fields_.reserve(kReservedFields);
  auto& field = fields_.emplace_back(name, value);
  lower_in_place(field.first.data(), field.first.size());
}

void HeaderList::set(std::string_view name, std::string_view value) {
  remove(name);
  add(name, value);
}

void HeaderList::remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& f) { return is_name(f.first, name); });
}

std::optional<std::string_view> HeaderList::get(std::string_view name) const {
  for (const auto& f : fields_) {
    if (is_name(f.first, name)) return std::string_view(f.second);
  }
  return std::nullopt;
}

}  // namespace heimdall::http
