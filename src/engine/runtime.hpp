// The immutable snapshot every worker reads: the configuration and the providers built from it.
// Shared as std::shared_ptr<const Runtime>; a request keeps the snapshot it started with to its
// end.
#pragma once

#include "config/config.hpp"
#include "providers/provider.hpp"
#include "schema/error.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace heimdall::engine {

// Where one request goes: which provider, and the model name that provider knows.
struct Route {
  const providers::Provider* provider = nullptr;
  std::string model;
};

class Runtime {
 public:
  explicit Runtime(config::GatewayConfig config);

  const config::GatewayConfig& config() const { return config_; }
  const providers::Provider* find_provider(std::string_view name) const;
  const std::map<std::string, std::unique_ptr<providers::Provider>, std::less<>>& providers()
      const {
    return providers_;
  }

  /// "provider/model" goes to that provider when it is configured; anything else (including
  /// "org/model" names of OpenAI-compatible servers) is a bare model for `default_provider`.
  schema::Result<Route> resolve(std::string_view model, std::string_view default_provider) const;

 private:
  config::GatewayConfig config_;
  std::map<std::string, std::unique_ptr<providers::Provider>, std::less<>> providers_;
};

}  // namespace heimdall::engine
