#include "providers/provider.hpp"

#include "config/provider_catalog.hpp"
#include "providers/anthropic.hpp"
#include "providers/openai.hpp"

namespace heimdall::providers {

namespace {

std::string make_api_root(const config::ProviderConfig& config) {
  std::string root = config.network.base_url;
  if (root.empty()) {
    if (const auto* entry = config::find_catalog_entry(config.name)) {
      root = std::string(entry->default_base_url);
    }
  }
  while (!root.empty() && root.back() == '/') root.pop_back();
  if (root.ends_with("/v1")) root.resize(root.size() - 3);
  return root;
}

}  // namespace

Provider::Provider(config::ProviderConfig config)
    : config_(std::move(config)), api_root_(make_api_root(config_)) {}

std::optional<uint64_t> Provider::max_output_tokens(std::string_view) const { return std::nullopt; }

std::string Provider::with_query(std::string url, std::string_view query) {
  if (!query.empty()) url.append("?").append(query);
  return url;
}

std::unique_ptr<Provider> make_provider(const config::ProviderConfig& config) {
  switch (config.kind) {
    case config::ProviderKind::Anthropic:
      return std::make_unique<AnthropicProvider>(config);
    case config::ProviderKind::OpenAi:
      return std::make_unique<OpenAiProvider>(config);
  }
  return std::make_unique<OpenAiProvider>(config);
}

}  // namespace heimdall::providers
