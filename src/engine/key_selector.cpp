#include "engine/key_selector.hpp"

#include <vector>

namespace heimdall::engine {

const config::KeyConfig* select_key(std::span<const config::KeyConfig> keys, std::string_view model,
                                    std::mt19937_64& rng) {
  // Small fixed-size scratch: key lists are short, and this runs on every request.
  const config::KeyConfig* allowed[64];
  size_t count = 0;
  double total = 0;
  for (const auto& key : keys) {
    if (count == std::size(allowed)) break;
    if (!key.allows(model)) continue;
    allowed[count++] = &key;
    total += key.weight;
  }
  if (count == 0) return nullptr;
  if (count == 1) return allowed[0];
  if (total <= 0) {
    return allowed[std::uniform_int_distribution<size_t>(0, count - 1)(rng)];
  }
  double point = std::uniform_real_distribution<double>(0, total)(rng);
  for (size_t i = 0; i < count; ++i) {
    point -= allowed[i]->weight;
    if (point < 0) return allowed[i];
  }
  // Rounding can leave `point` at exactly 0 after the last key: that is the last positive key.
  for (size_t i = count; i-- > 0;) {
    if (allowed[i]->weight > 0) return allowed[i];
  }
  return allowed[count - 1];
}

std::mt19937_64& thread_rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

}  // namespace heimdall::engine
