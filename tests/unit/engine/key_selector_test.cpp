#include "engine/key_selector.hpp"

#include <gtest/gtest.h>

#include <map>

namespace heimdall::engine {
namespace {

config::KeyConfig key(std::string name, double weight, std::vector<std::string> models = {"*"}) {
  config::KeyConfig k;
  k.name = std::move(name);
  k.value = "v-" + k.name;
  k.weight = weight;
  k.models = std::move(models);
  return k;
}

TEST(KeySelectorTest, WeightsHoldStatistically) {
  std::vector<config::KeyConfig> keys{key("a", 1), key("b", 3)};
  std::mt19937_64 rng(42);
  std::map<std::string, int> picks;
  constexpr int kDraws = 40000;
  for (int i = 0; i < kDraws; ++i) ++picks[select_key(keys, "m", rng)->name];
  // Expected 25 % / 75 %; the binomial standard deviation is ~0.2 %, so 1 % is > 4 sigma.
  EXPECT_NEAR(picks["a"] / double(kDraws), 0.25, 0.01);
  EXPECT_NEAR(picks["b"] / double(kDraws), 0.75, 0.01);
}

TEST(KeySelectorTest, OnlyKeysAllowingTheModelAreCandidates) {
  std::vector<config::KeyConfig> keys{key("mini", 100, {"gpt-4o-mini"}), key("big", 1, {"gpt-4o"})};
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(select_key(keys, "gpt-4o", rng)->name, "big");
  EXPECT_EQ(select_key(keys, "o1", rng), nullptr);
}

TEST(KeySelectorTest, ZeroWeightKeysAreStandbyOnly) {
  std::vector<config::KeyConfig> keys{key("standby", 0), key("main", 1)};
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(select_key(keys, "m", rng)->name, "main");
  std::vector<config::KeyConfig> all_zero{key("x", 0), key("y", 0)};
  std::map<std::string, int> picks;
  for (int i = 0; i < 1000; ++i) ++picks[select_key(all_zero, "m", rng)->name];
  EXPECT_GT(picks["x"], 400);
  EXPECT_GT(picks["y"], 400);
}

}  // namespace
}  // namespace heimdall::engine
