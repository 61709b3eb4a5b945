// A provider = a dialect + an endpoint + authentication. Provider classes are small: URLs, headers
// and quirks; the dialect codecs do the JSON. Built once per config snapshot, shared read-only by
// workers.
#pragma once

#include "config/config.hpp"
#include "http/headers.hpp"
#include "schema/request.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall::providers {

enum class Operation { Generate, CountTokens, ListModels };

// The credential a request uses upstream, and how the caller presented it (a Claude subscription's
// OAuth token only works as a bearer token).
struct Credential {
  std::string value;
  bool bearer = false;
  std::string key_name;  // the configured key's name, or "direct" for a caller's own key
};

class Provider {
 public:
  explicit Provider(config::ProviderConfig config);
  virtual ~Provider() = default;

  const std::string& name() const { return config_.name; }
  const config::ProviderConfig& config() const { return config_; }
  virtual schema::Dialect dialect() const = 0;

  /// The absolute URL for an operation (`query` without '?', appended when not empty), or nullopt
  /// when this provider has no such endpoint (then the engine answers from a local estimate).
  virtual std::optional<std::string> url(Operation op, std::string_view query = {}) const = 0;
  /// Adds authentication and the headers the provider requires, after the caller's forwarded ones.
  virtual void authorize(http::HeaderList& headers, const Credential& credential) const = 0;
  /// Whether a header the caller sent travels to this provider unchanged (same-dialect callers
  /// only).
  virtual bool forwards_caller_header(std::string_view name) const = 0;
  /// The largest max_tokens the model accepts, when the provider's models are known to cap it.
  virtual std::optional<uint64_t> max_output_tokens(std::string_view model) const;

 protected:
  /// base_url (or the catalog default) without a trailing '/' or '/v1', so '/v1/…' is never
  /// doubled. Made once: every request's URL starts with it.
  const std::string& api_root() const { return api_root_; }
  static std::string with_query(std::string url, std::string_view query);

 private:
  config::ProviderConfig config_;
  std::string api_root_;
};

std::unique_ptr<Provider> make_provider(const config::ProviderConfig& config);

}  // namespace heimdall::providers
