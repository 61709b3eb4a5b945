#include "engine/runtime.hpp"

#include "config/provider_catalog.hpp"

namespace heimdall::engine {

Runtime::Runtime(config::GatewayConfig config) : config_(std::move(config)) {
  for (const auto& [name, provider] : config_.providers) {
    providers_.emplace(name, providers::make_provider(provider));
  }
}

const providers::Provider* Runtime::find_provider(std::string_view name) const {
  auto it = providers_.find(name);
  return it == providers_.end() ? nullptr : it->second.get();
}

schema::Result<Route> Runtime::resolve(std::string_view model,
                                       std::string_view default_provider) const {
  if (model.empty()) return schema::Error::invalid("model: Field required");
  if (auto slash = model.find('/'); slash != std::string_view::npos) {
    std::string_view prefix = model.substr(0, slash);
    if (const auto* provider = find_provider(prefix)) {
      std::string_view rest = model.substr(slash + 1);
      if (rest.empty()) return schema::Error::invalid("model: missing model name after provider");
      return Route{provider, std::string(rest)};
    }
    if (config::find_catalog_entry(prefix) != nullptr) {
      return schema::Error::not_found("provider '" + std::string(prefix) +
                                      "' is not configured on this gateway");
    }
  }
  const auto* provider = find_provider(default_provider);
  if (provider == nullptr) {
    return schema::Error::not_found(
        "model '" + std::string(model) + "': provider '" + std::string(default_provider) +
        "' is not configured; use the provider/model form to pick a configured provider");
  }
  return Route{provider, std::string(model)};
}

}  // namespace heimdall::engine
