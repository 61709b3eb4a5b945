// An ordered list of HTTP header fields with case-insensitive lookup; names are stored lower-case.
// The engine and surfaces use it so they need no Beast headers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heimdall::http {

class HeaderList {
 public:
  using Field = std::pair<std::string, std::string>;

  /// Appends a field; the name is lower-cased.
  void add(std::string_view name, std::string_view value);
  /// Replaces every field of that name with one field.
  void set(std::string_view name, std::string_view value);
  void remove(std::string_view name);
  /// The first value of that name, if any.
  std::optional<std::string_view> get(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

/// ASCII lower-case copy.
std::string to_lower(std::string_view s);
/// Case-insensitive ASCII equality.
bool iequals(std::string_view a, std::string_view b);

}  // namespace heimdall::http
