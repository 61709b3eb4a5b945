// Gateway configuration in Bifrost's config.json shape (client,
// providers.<name>.keys/network_config/ custom_provider_config), or, without a file, one provider
// per API key found in the environment. Built once at startup into an immutable snapshot that every
// worker reads.
#pragma once

#include "schema/error.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heimdall::config {

// Looks up an environment variable; injected so tests do not touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup process_env();

struct KeyConfig {
  std::string name;
  std::string value;                     // the secret, `env.VAR` already resolved
  std::vector<std::string> models{"*"};  // "*" allows every model
  double weight = 1.0;

  bool allows(std::string_view model) const;
};

struct NetworkConfig {
  std::string base_url;  // empty: the provider's public endpoint
  std::vector<std::pair<std::string, std::string>> extra_headers;
  uint32_t default_request_timeout_in_seconds = 600;
  uint32_t stream_idle_timeout_in_seconds = 300;
  uint32_t connect_timeout_in_seconds = 10;
  uint32_t max_retries = 0;
  uint32_t retry_backoff_initial_ms = 500;
  uint32_t retry_backoff_max_ms = 5000;
};

// Which wire format a provider speaks.
enum class ProviderKind { Anthropic, OpenAi };

struct ProviderConfig {
  std::string name;
  ProviderKind kind = ProviderKind::OpenAi;
  std::vector<KeyConfig> keys;
  NetworkConfig network;
  bool custom = false;  // declared with custom_provider_config
};

struct ClientConfig {
  bool allow_direct_keys = false;
  uint64_t max_request_body_size_mb = 100;
  // Heimdall's own: a stream whose provider is silent this long gets a ping (0 turns pings off).
  uint64_t stream_ping_interval_ms = 10'000;
};

struct GatewayConfig {
  ClientConfig client;
  std::map<std::string, ProviderConfig, std::less<>> providers;

  const ProviderConfig* find_provider(std::string_view name) const;
};

/// Parses config.json text. Keys whose `env.VAR` is unset are skipped with a warning in `warnings`
/// (the provider stays, so its requests fail with a clear "no key" error instead of the whole
/// file).
schema::Result<GatewayConfig> parse_config(std::string_view json, const EnvLookup& env,
                                           std::vector<std::string>& warnings);

/// Bifrost's no-config behaviour: a provider for each well-known API key variable that is set
/// (ANTHROPIC_API_KEY, OPENAI_API_KEY, GROQ_API_KEY, MISTRAL_API_KEY, OPENROUTER_API_KEY, …).
GatewayConfig config_from_environment(const EnvLookup& env);

/// Reads `<app_dir>/config.json` when it exists, else config_from_environment. Throws
/// std::runtime_error with a message naming the file and the problem (startup is the one place
/// where exceptions are the right tool).
GatewayConfig load_config(const std::string& app_dir, const EnvLookup& env,
                          std::vector<std::string>& warnings);

}  // namespace heimdall::config
