#include "engine/runtime.hpp"

#include "engine/test_runtime.hpp"

#include <gtest/gtest.h>

namespace heimdall::engine {
namespace {

using test::make_runtime;

TEST(RuntimeTest, ProviderPrefixSelectsTheProvider) {
  auto runtime = make_runtime();
  auto route = runtime.resolve("openai/gpt-4o-mini", "anthropic");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->provider->name(), "openai");
  EXPECT_EQ(route->model, "gpt-4o-mini");
}

TEST(RuntimeTest, BareModelGoesToTheSurfaceProvider) {
  auto runtime = make_runtime();
  auto route = runtime.resolve("claude-sonnet-4-5", "anthropic");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->provider->name(), "anthropic");
  EXPECT_EQ(route->model, "claude-sonnet-4-5");
}

TEST(RuntimeTest, SlashInAModelNameThatIsNoProviderStaysInTheModel) {
  auto runtime = make_runtime();
  auto route = runtime.resolve("local-vllm/meta-llama/Llama-3.1-8B", "openai");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->provider->name(), "local-vllm");
  EXPECT_EQ(route->model, "meta-llama/Llama-3.1-8B");
  auto bare = runtime.resolve("meta-llama/Llama-3.1-8B", "openai");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->provider->name(), "openai");
  EXPECT_EQ(bare->model, "meta-llama/Llama-3.1-8B");
}

TEST(RuntimeTest, UnconfiguredProvidersAreNotFound) {
  auto runtime = make_runtime();
  auto known = runtime.resolve("groq/llama3", "openai");
  ASSERT_FALSE(known);
  EXPECT_EQ(known.error().code, schema::ErrorCode::NotFound);
  EXPECT_NE(known.error().message.find("groq"), std::string::npos);
  auto empty = runtime.resolve("", "openai");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, schema::ErrorCode::InvalidArgument);
}

TEST(RuntimeTest, ProviderUrlsDoNotDoubleV1) {
  auto runtime = make_runtime();
  EXPECT_EQ(*runtime.find_provider("local-vllm")->url(providers::Operation::Generate, {}),
            "http://127.0.0.1:8000/v1/chat/completions");
  EXPECT_EQ(*runtime.find_provider("openai")->url(providers::Operation::Generate, {}),
            "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(*runtime.find_provider("anthropic")->url(providers::Operation::Generate, "beta=true"),
            "https://api.anthropic.com/v1/messages?beta=true");
  EXPECT_FALSE(runtime.find_provider("openai")->url(providers::Operation::CountTokens, {}));
}

}  // namespace
}  // namespace heimdall::engine
