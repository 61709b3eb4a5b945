#include "providers/provider.hpp"

#include <gtest/gtest.h>

namespace heimdall::providers {
namespace {

config::ProviderConfig provider_config(std::string name, config::ProviderKind kind,
                                       std::string base_url = {}) {
  config::ProviderConfig c;
  c.name = std::move(name);
  c.kind = kind;
  c.network.base_url = std::move(base_url);
  return c;
}

TEST(ProviderTest, AnthropicAuthenticatesWithApiKeyOrBearerAndDefaultsTheVersion) {
  auto provider = make_provider(provider_config("anthropic", config::ProviderKind::Anthropic));
  http::HeaderList headers;
  provider->authorize(headers, Credential{"sk-ant", false, "k"});
  EXPECT_EQ(headers.get("x-api-key"), "sk-ant");
  EXPECT_EQ(headers.get("anthropic-version"), "2023-06-01");
  EXPECT_FALSE(headers.contains("authorization"));

  http::HeaderList oauth;
  oauth.add("anthropic-version", "2099-01-01");
  provider->authorize(oauth, Credential{"oauth-token", true, "direct"});
  EXPECT_EQ(oauth.get("authorization"), "Bearer oauth-token");
  EXPECT_EQ(oauth.get("anthropic-version"), "2099-01-01");
  EXPECT_TRUE(provider->forwards_caller_header("anthropic-beta"));
  EXPECT_TRUE(provider->forwards_caller_header("x-claude-code-session-id"));
  EXPECT_TRUE(provider->forwards_caller_header("x-stainless-retry-count"));
  EXPECT_FALSE(provider->forwards_caller_header("x-api-key"));
  EXPECT_FALSE(provider->forwards_caller_header("authorization"));
  EXPECT_FALSE(provider->forwards_caller_header("cookie"));
}

TEST(ProviderTest, OpenAiUsesBearerAndSkipsAuthForKeylessServers) {
  auto provider = make_provider(
      provider_config("ollama", config::ProviderKind::OpenAi, "http://127.0.0.1:11434/"));
  http::HeaderList keyless;
  provider->authorize(keyless, Credential{});
  EXPECT_FALSE(keyless.contains("authorization"));
  http::HeaderList headers;
  provider->authorize(headers, Credential{"sk-x", false, "k"});
  EXPECT_EQ(headers.get("authorization"), "Bearer sk-x");
  EXPECT_EQ(*provider->url(Operation::Generate, {}), "http://127.0.0.1:11434/v1/chat/completions");
  EXPECT_EQ(*provider->url(Operation::ListModels, {}), "http://127.0.0.1:11434/v1/models");
}

TEST(ProviderTest, OpenAiCapsMaxTokensOfKnownModelsOnly) {
  auto openai = make_provider(provider_config("openai", config::ProviderKind::OpenAi));
  EXPECT_EQ(openai->max_output_tokens("gpt-4o-mini"), 16384u);
  EXPECT_EQ(openai->max_output_tokens("gpt-4o-mini-2024-07-18"), 16384u);
  EXPECT_EQ(openai->max_output_tokens("gpt-4-turbo"), 4096u);
  EXPECT_FALSE(openai->max_output_tokens("my-finetune"));
  auto groq = make_provider(provider_config("groq", config::ProviderKind::OpenAi));
  EXPECT_FALSE(groq->max_output_tokens("gpt-4o-mini"));  // another service, other limits
  EXPECT_EQ(*groq->url(Operation::Generate, {}), "https://api.groq.com/openai/v1/chat/completions");
}

}  // namespace
}  // namespace heimdall::providers
