// The providers Heimdall knows by name: their wire format, public endpoint and the environment
// variable that holds their key (Bifrost's names). Any other name needs custom_provider_config.
#pragma once

#include "config/config.hpp"

#include <optional>
#include <span>
#include <string_view>

namespace heimdall::config {

struct CatalogEntry {
  std::string_view name;
  ProviderKind kind;
  std::string_view default_base_url;  // scheme://host[/prefix] without the API version path
  std::string_view key_env;           // e.g. "OPENAI_API_KEY"
};

std::span<const CatalogEntry> provider_catalog();
const CatalogEntry* find_catalog_entry(std::string_view name);

}  // namespace heimdall::config
