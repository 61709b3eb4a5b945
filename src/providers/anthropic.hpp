// Anthropic's Messages API (and any Anthropic-compatible endpoint declared with
// base_provider_type "anthropic").
#pragma once

#include "providers/provider.hpp"

namespace heimdall::providers {

class AnthropicProvider final : public Provider {
 public:
  using Provider::Provider;

  // providers::Provider
  schema::Dialect dialect() const override { return schema::Dialect::Anthropic; }
  std::optional<std::string> url(Operation op, std::string_view query) const override;
  void authorize(http::HeaderList& headers, const Credential& credential) const override;
  bool forwards_caller_header(std::string_view name) const override;
};

}  // namespace heimdall::providers
