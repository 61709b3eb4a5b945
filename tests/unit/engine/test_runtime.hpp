// A Runtime for engine unit tests: the anthropic and openai providers with their catalog URLs, and
// a custom OpenAI-compatible `local-vllm` (http://127.0.0.1:8000/v1/). No keys, no I/O.
#pragma once

#include "engine/runtime.hpp"

namespace heimdall::engine::test {

inline Runtime make_runtime() {
  config::GatewayConfig config;
  for (auto [name, kind] : {std::pair{"anthropic", config::ProviderKind::Anthropic},
                            std::pair{"openai", config::ProviderKind::OpenAi}}) {
    config::ProviderConfig provider;
    provider.name = name;
    provider.kind = kind;
    config.providers.emplace(name, provider);
  }
  config::ProviderConfig vllm;
  vllm.name = "local-vllm";
  vllm.kind = config::ProviderKind::OpenAi;
  vllm.custom = true;
  vllm.network.base_url = "http://127.0.0.1:8000/v1/";
  config.providers.emplace(vllm.name, vllm);
  return Runtime(std::move(config));
}

}  // namespace heimdall::engine::test
