// OpenAI's Chat Completions API and every OpenAI-compatible service (Groq, Mistral, OpenRouter,
// vLLM, Ollama, … and custom providers with base_provider_type "openai").
#pragma once

#include "providers/provider.hpp"

namespace heimdall::providers {

class OpenAiProvider final : public Provider {
 public:
  using Provider::Provider;

  // providers::Provider
  schema::Dialect dialect() const override { return schema::Dialect::OpenAiChat; }
  std::optional<std::string> url(Operation op, std::string_view query) const override;
  void authorize(http::HeaderList& headers, const Credential& credential) const override;
  bool forwards_caller_header(std::string_view name) const override;
  std::optional<uint64_t> max_output_tokens(std::string_view model) const override;
};

}  // namespace heimdall::providers
