#include "providers/openai.hpp"

#include <array>
#include <utility>

namespace heimdall::providers {

std::optional<std::string> OpenAiProvider::url(Operation op, std::string_view query) const {
  switch (op) {
    case Operation::Generate:
      return with_query(api_root() + "/v1/chat/completions", query);
    case Operation::CountTokens:
      return std::nullopt;
    case Operation::ListModels:
      return with_query(api_root() + "/v1/models", query);
  }
  return std::nullopt;
}

void OpenAiProvider::authorize(http::HeaderList& headers, const Credential& credential) const {
  if (credential.value.empty()) return;  // keyless local servers (Ollama, vLLM)
  headers.set("authorization", "Bearer " + credential.value);
}

bool OpenAiProvider::forwards_caller_header(std::string_view name) const {
  return name == "openai-organization" || name == "openai-project";
}

std::optional<uint64_t> OpenAiProvider::max_output_tokens(std::string_view model) const {
  if (name() != "openai") return std::nullopt;
  // Published output caps; a caller (Claude Code sends 32000) above them gets a 400 from OpenAI
  // ("max_tokens is too large"), so the engine clamps. Longest matching prefix wins.
  static constexpr std::array<std::pair<std::string_view, uint64_t>, 9> kCaps{{
      {"gpt-3.5-turbo", 4096},
      {"gpt-4", 8192},
      {"gpt-4-turbo", 4096},
      {"gpt-4o", 16384},
      {"gpt-4o-mini", 16384},
      {"gpt-4.1", 32768},
      {"o1", 100000},
      {"o3", 100000},
      {"o4-mini", 100000},
  }};
  std::optional<uint64_t> cap;
  size_t best = 0;
  for (const auto& [prefix, limit] : kCaps) {
    if (model.starts_with(prefix) && prefix.size() > best) {
      best = prefix.size();
      cap = limit;
    }
  }
  return cap;
}

}  // namespace heimdall::providers
