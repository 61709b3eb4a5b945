#include "config/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace heimdall::config {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, ParsesBifrostShapeWithEnvSecrets) {
  std::vector<std::string> warnings;
  auto config = parse_config(R"({
    "client": {"allow_direct_keys": true, "max_request_body_size_mb": 5},
    "providers": {
      "openai": {
        "keys": [{"name": "a", "value": "env.OPENAI_KEY", "models": ["gpt-4o-mini"], "weight": 2.5},
                 {"name": "b", "value": "sk-literal"}],
        "network_config": {"base_url": "http://127.0.0.1:9/v1", "extra_headers": {"x-org": "acme"},
                           "max_retries": 2, "retry_backoff_initial": "250ms",
                           "retry_backoff_max": "2s", "default_request_timeout_in_seconds": 45}
      },
      "anthropic": {"keys": [{"name": "c", "value": "sk-ant", "models": ["*"], "weight": 1}]}
    }})",
                             fake_env({{"OPENAI_KEY", "sk-from-env"}}), warnings);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(warnings.empty());
  EXPECT_TRUE(config->client.allow_direct_keys);
  EXPECT_EQ(config->client.max_request_body_size_mb, 5u);
  const auto* openai = config->find_provider("openai");
  ASSERT_NE(openai, nullptr);
  EXPECT_EQ(openai->kind, ProviderKind::OpenAi);
  ASSERT_EQ(openai->keys.size(), 2u);
  EXPECT_EQ(openai->keys[0].value, "sk-from-env");
  EXPECT_DOUBLE_EQ(openai->keys[0].weight, 2.5);
  EXPECT_TRUE(openai->keys[0].allows("gpt-4o-mini"));
  EXPECT_FALSE(openai->keys[0].allows("gpt-4o"));
  EXPECT_TRUE(openai->keys[1].allows("anything"));  // models default to ["*"]
  EXPECT_EQ(openai->network.base_url, "http://127.0.0.1:9/v1");
  ASSERT_EQ(openai->network.extra_headers.size(), 1u);
  EXPECT_EQ(openai->network.extra_headers[0].second, "acme");
  EXPECT_EQ(openai->network.max_retries, 2u);
  EXPECT_EQ(openai->network.retry_backoff_initial_ms, 250u);
  EXPECT_EQ(openai->network.retry_backoff_max_ms, 2000u);
  EXPECT_EQ(openai->network.default_request_timeout_in_seconds, 45u);
  EXPECT_EQ(config->find_provider("anthropic")->kind, ProviderKind::Anthropic);
}

TEST(ConfigTest, SkipsKeysWhoseEnvironmentVariableIsUnset) {
  std::vector<std::string> warnings;
  auto config = parse_config(
      R"({"providers": {"openai": {"keys": [{"name": "a", "value": "env.MISSING_KEY"}]}}})",
      fake_env({}), warnings);
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->find_provider("openai")->keys.empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("MISSING_KEY"), std::string::npos);
}

TEST(ConfigTest, CustomProviderNeedsBaseProviderTypeAndBaseUrl) {
  std::vector<std::string> warnings;
  auto ok = parse_config(R"({"providers": {"vllm": {
      "custom_provider_config": {"base_provider_type": "openai"},
      "network_config": {"base_url": "http://127.0.0.1:8000"}}}})",
                         fake_env({}), warnings);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(ok->find_provider("vllm")->custom);
  EXPECT_EQ(ok->find_provider("vllm")->kind, ProviderKind::OpenAi);

  auto unknown = parse_config(R"({"providers": {"vllm": {}}})", fake_env({}), warnings);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("custom_provider_config"), std::string::npos);

  auto no_url = parse_config(
      R"({"providers": {"vllm": {"custom_provider_config": {"base_provider_type": "openai"}}}})",
      fake_env({}), warnings);
  ASSERT_FALSE(no_url);
  EXPECT_NE(no_url.error().message.find("base_url"), std::string::npos);

  auto bad_type = parse_config(
      R"({"providers": {"x": {"custom_provider_config": {"base_provider_type": "cohere"}}}})",
      fake_env({}), warnings);
  ASSERT_FALSE(bad_type);
}

TEST(ConfigTest, RejectsMalformedInputWithTheFieldName) {
  std::vector<std::string> warnings;
  auto not_json = parse_config("{", fake_env({}), warnings);
  ASSERT_FALSE(not_json);
  EXPECT_NE(not_json.error().message.find("not valid JSON"), std::string::npos);
  auto bad_flag =
      parse_config(R"({"client": {"allow_direct_keys": "yes"}})", fake_env({}), warnings);
  ASSERT_FALSE(bad_flag);
  EXPECT_NE(bad_flag.error().message.find("client.allow_direct_keys"), std::string::npos);
  auto bad_weight = parse_config(
      R"({"providers": {"openai": {"keys": [{"name": "a", "value": "k", "weight": "x"}]}}})",
      fake_env({}), warnings);
  ASSERT_FALSE(bad_weight);
  EXPECT_NE(bad_weight.error().message.find("providers.openai.keys[0]"), std::string::npos);
}

TEST(ConfigTest, EnvironmentDefaultsConfigureEachProviderWithAKey) {
  auto config = config_from_environment(
      fake_env({{"ANTHROPIC_API_KEY", "sk-ant"}, {"GROQ_API_KEY", "gsk"}, {"OPENAI_API_KEY", ""}}));
  EXPECT_NE(config.find_provider("anthropic"), nullptr);
  EXPECT_NE(config.find_provider("groq"), nullptr);
  EXPECT_EQ(config.find_provider("openai"), nullptr);  // empty value: not configured
  EXPECT_EQ(config.find_provider("anthropic")->keys.at(0).value, "sk-ant");
  EXPECT_FALSE(config.client.allow_direct_keys);
}

}  // namespace
}  // namespace heimdall::config
