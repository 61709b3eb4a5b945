#include "config/provider_catalog.hpp"

#include <array>

namespace heimdall::config {

namespace {

// OpenAI-compatible services are listed with the prefix under which they serve
// /v1/chat/completions.
constexpr std::array kCatalog{
    CatalogEntry{"anthropic", ProviderKind::Anthropic, "https://api.anthropic.com",
                 "ANTHROPIC_API_KEY"},
    CatalogEntry{"openai", ProviderKind::OpenAi, "https://api.openai.com", "OPENAI_API_KEY"},
    CatalogEntry{"groq", ProviderKind::OpenAi, "https://api.groq.com/openai", "GROQ_API_KEY"},
    CatalogEntry{"mistral", ProviderKind::OpenAi, "https://api.mistral.ai", "MISTRAL_API_KEY"},
    CatalogEntry{"openrouter", ProviderKind::OpenAi, "https://openrouter.ai/api",
                 "OPENROUTER_API_KEY"},
    CatalogEntry{"deepseek", ProviderKind::OpenAi, "https://api.deepseek.com", "DEEPSEEK_API_KEY"},
    CatalogEntry{"xai", ProviderKind::OpenAi, "https://api.x.ai", "XAI_API_KEY"},
    CatalogEntry{"cerebras", ProviderKind::OpenAi, "https://api.cerebras.ai", "CEREBRAS_API_KEY"},
    CatalogEntry{"ollama", ProviderKind::OpenAi, "http://localhost:11434", ""},
};

}  // namespace

std::span<const CatalogEntry> provider_catalog() { return kCatalog; }

const CatalogEntry* find_catalog_entry(std::string_view name) {
  for (const auto& entry : kCatalog) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace heimdall::config
