#include "config/config.hpp"

#include "config/provider_catalog.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace heimdall::config {

namespace json = boost::json;
using schema::Error;
using schema::Result;

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

bool KeyConfig::allows(std::string_view model) const {
  for (const auto& m : models) {
    if (m == "*" || m == model) return true;
  }
  return false;
}

const ProviderConfig* GatewayConfig::find_provider(std::string_view name) const {
  auto it = providers.find(name);
  return it == providers.end() ? nullptr : &it->second;
}

namespace {

// A config value is either a literal or `env.VAR` (Bifrost's secret reference).
Result<std::string> resolve_secret(std::string_view raw, const EnvLookup& env,
                                   std::string_view where) {
  constexpr std::string_view kPrefix = "env.";
  if (!raw.starts_with(kPrefix)) return std::string(raw);
  std::string_view var = raw.substr(kPrefix.size());
  auto value = env(var);
  if (!value) {
    return Error::invalid(std::string(where) + ": environment variable " + std::string(var) +
                          " is not set");
  }
  return std::move(*value);
}

Result<std::string> string_field(const json::object& obj, std::string_view key,
                                 std::string_view where) {
  auto* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) {
    return Error::invalid(std::string(where) + "." + std::string(key) + ": must be a string");
  }
  return std::string(v->get_string());
}

Result<double> number_field(const json::object& obj, std::string_view key, double fallback,
                            std::string_view where) {
  auto* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return fallback;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  return Error::invalid(std::string(where) + "." + std::string(key) + ": must be a number");
}

Result<uint32_t> seconds_field(const json::object& obj, std::string_view key, uint32_t fallback,
                               std::string_view where) {
  HEIMDALL_TRY(double value, number_field(obj, key, fallback, where));
  if (value < 0 || value > 86400 * 7) {
    return Error::invalid(std::string(where) + "." + std::string(key) + ": out of range");
  }
  return static_cast<uint32_t>(value);
}

// Bifrost accepts backoffs as integer milliseconds or Go durations ("500ms", "2s", "1m").
Result<uint32_t> duration_ms_field(const json::object& obj, std::string_view key, uint32_t fallback,
                                   std::string_view where) {
  auto* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return fallback;
  std::string field = std::string(where) + "." + std::string(key);
  if (!v->is_string()) {
    HEIMDALL_TRY(double ms, number_field(obj, key, fallback, where));
    if (ms < 0) return Error::invalid(field + ": must not be negative");
    return static_cast<uint32_t>(ms);
  }
  std::string_view text = v->get_string();
  double amount = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (ec != std::errc() || amount < 0) return Error::invalid(field + ": invalid duration");
  std::string_view unit(end, text.data() + text.size() - end);
  double factor = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : -1;
  if (factor < 0) return Error::invalid(field + ": unit must be ms, s or m");
  return static_cast<uint32_t>(amount * factor);
}

Result<std::vector<std::string>> string_list(const json::value& v, std::string_view where) {
  std::vector<std::string> out;
  if (!v.is_array()) return Error::invalid(std::string(where) + ": must be an array of strings");
  for (const auto& item : v.get_array()) {
    if (!item.is_string()) {
      return Error::invalid(std::string(where) + ": must be an array of strings");
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

Result<KeyConfig> parse_key(const json::value& v, const EnvLookup& env, const std::string& where) {
  if (!v.is_object()) return Error::invalid(where + ": must be an object");
  const auto& obj = v.get_object();
  KeyConfig key;
  HEIMDALL_TRY(key.name, string_field(obj, "name", where));
  HEIMDALL_TRY(std::string raw, string_field(obj, "value", where));
  HEIMDALL_TRY(key.value, resolve_secret(raw, env, where + ".value"));
  if (auto* models = obj.if_contains("models")) {
    HEIMDALL_TRY(key.models, string_list(*models, where + ".models"));
  }
  HEIMDALL_TRY(key.weight, number_field(obj, "weight", 1.0, where));
  if (key.weight < 0) return Error::invalid(where + ".weight: must not be negative");
  return key;
}

Result<NetworkConfig> parse_network(const json::object& obj, const EnvLookup& env,
                                    const std::string& where) {
  NetworkConfig net;
  HEIMDALL_TRY(std::string base, string_field(obj, "base_url", where));
  HEIMDALL_TRY(net.base_url, resolve_secret(base, env, where + ".base_url"));
  if (auto* headers = obj.if_contains("extra_headers")) {
    if (!headers->is_object()) return Error::invalid(where + ".extra_headers: must be an object");
    for (const auto& [name, value] : headers->get_object()) {
      std::string field = where + ".extra_headers." + std::string(name);
      if (!value.is_string()) return Error::invalid(field + ": must be a string");
      HEIMDALL_TRY(std::string resolved, resolve_secret(value.get_string(), env, field));
      net.extra_headers.emplace_back(std::string(name), std::move(resolved));
    }
  }
  HEIMDALL_TRY(net.default_request_timeout_in_seconds,
               seconds_field(obj, "default_request_timeout_in_seconds",
                             net.default_request_timeout_in_seconds, where));
  HEIMDALL_TRY(net.stream_idle_timeout_in_seconds,
               seconds_field(obj, "stream_idle_timeout_in_seconds",
                             net.stream_idle_timeout_in_seconds, where));
  HEIMDALL_TRY(net.max_retries, seconds_field(obj, "max_retries", 0, where));
  HEIMDALL_TRY(
      net.retry_backoff_initial_ms,
      duration_ms_field(obj, "retry_backoff_initial", net.retry_backoff_initial_ms, where));
  HEIMDALL_TRY(net.retry_backoff_max_ms,
               duration_ms_field(obj, "retry_backoff_max", net.retry_backoff_max_ms, where));
  return net;
}

Result<ProviderKind> provider_kind(std::string_view name, const json::object& obj,
                                   const std::string& where, bool& custom) {
  if (auto* custom_cfg = obj.if_contains("custom_provider_config")) {
    custom = true;
    if (!custom_cfg->is_object()) {
      return Error::invalid(where + ".custom_provider_config: must be an object");
    }
    HEIMDALL_TRY(std::string base, string_field(custom_cfg->get_object(), "base_provider_type",
                                                where + ".custom_provider_config"));
    if (base == "openai") return ProviderKind::OpenAi;
    if (base == "anthropic") return ProviderKind::Anthropic;
    return Error::invalid(where +
                          ".custom_provider_config.base_provider_type: must be \"openai\" or "
                          "\"anthropic\"");
  }
  if (const auto* entry = find_catalog_entry(name)) return entry->kind;
  return Error::invalid(where + ": unknown provider \"" + std::string(name) +
                        "\" (declare custom_provider_config.base_provider_type to add it)");
}

Result<ProviderConfig> parse_provider(std::string_view name, const json::value& v,
                                      const EnvLookup& env, std::vector<std::string>& warnings) {
  std::string where = "providers." + std::string(name);
  if (!v.is_object()) return Error::invalid(where + ": must be an object");
  const auto& obj = v.get_object();
  ProviderConfig provider;
  provider.name = std::string(name);
  HEIMDALL_TRY(provider.kind, provider_kind(name, obj, where, provider.custom));
  if (auto* keys = obj.if_contains("keys")) {
    if (!keys->is_array()) return Error::invalid(where + ".keys: must be an array");
    size_t index = 0;
    for (const auto& key : keys->get_array()) {
      auto parsed = parse_key(key, env, where + ".keys[" + std::to_string(index++) + "]");
      if (parsed) {
        provider.keys.push_back(std::move(*parsed));
      } else if (parsed.error().message.find("environment variable") != std::string::npos) {
        warnings.push_back(parsed.error().message + "; key skipped");
      } else {
        return parsed.error();
      }
    }
  }
  if (auto* net = obj.if_contains("network_config")) {
    if (!net->is_object()) return Error::invalid(where + ".network_config: must be an object");
    HEIMDALL_TRY(provider.network,
                 parse_network(net->get_object(), env, where + ".network_config"));
  }
  if (provider.custom && provider.network.base_url.empty()) {
    return Error::invalid(where + ".network_config.base_url: required for a custom provider");
  }
  return provider;
}

}  // namespace

Result<GatewayConfig> parse_config(std::string_view text, const EnvLookup& env,
                                   std::vector<std::string>& warnings) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return Error::invalid("config.json is not valid JSON: " + ec.message());
  if (!root.is_object()) return Error::invalid("config.json: the top level must be an object");
  const auto& obj = root.get_object();
  GatewayConfig config;
  if (auto* client = obj.if_contains("client")) {
    if (!client->is_object()) return Error::invalid("client: must be an object");
    const auto& c = client->get_object();
    if (auto* direct = c.if_contains("allow_direct_keys")) {
      if (!direct->is_bool()) return Error::invalid("client.allow_direct_keys: must be a boolean");
      config.client.allow_direct_keys = direct->get_bool();
    }
    HEIMDALL_TRY(double mb, number_field(c, "max_request_body_size_mb", 100, "client"));
    if (mb < 1) return Error::invalid("client.max_request_body_size_mb: must be at least 1");
    config.client.max_request_body_size_mb = static_cast<uint64_t>(mb);
    HEIMDALL_TRY(double ping_ms, number_field(c, "stream_ping_interval_ms",
                                              config.client.stream_ping_interval_ms, "client"));
    if (ping_ms < 0) return Error::invalid("client.stream_ping_interval_ms: must not be negative");
    config.client.stream_ping_interval_ms = static_cast<uint64_t>(ping_ms);
  }
  if (auto* providers = obj.if_contains("providers")) {
    if (!providers->is_object()) return Error::invalid("providers: must be an object");
    for (const auto& [name, value] : providers->get_object()) {
      HEIMDALL_TRY(ProviderConfig provider, parse_provider(name, value, env, warnings));
      config.providers.emplace(provider.name, std::move(provider));
    }
  }
  return config;
}

GatewayConfig config_from_environment(const EnvLookup& env) {
  GatewayConfig config;
  for (const auto& entry : provider_catalog()) {
    if (entry.key_env.empty()) continue;
    auto value = env(entry.key_env);
    if (!value || value->empty()) continue;
    ProviderConfig provider;
    provider.name = std::string(entry.name);
    provider.kind = entry.kind;
    KeyConfig key;
    key.name = std::string(entry.key_env);
    key.value = std::move(*value);
    provider.keys.push_back(std::move(key));
    config.providers.emplace(provider.name, std::move(provider));
  }
  return config;
}

GatewayConfig load_config(const std::string& app_dir, const EnvLookup& env,
                          std::vector<std::string>& warnings) {
  std::filesystem::path path = std::filesystem::path(app_dir) / "config.json";
  if (!std::filesystem::exists(path)) return config_from_environment(env);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  auto config = parse_config(text.str(), env, warnings);
  if (!config) throw std::runtime_error(path.string() + ": " + config.error().message);
  return std::move(*config);
}

}  // namespace heimdall::config
