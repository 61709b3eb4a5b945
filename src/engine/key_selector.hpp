// Chooses the provider key for a request: weighted random among the keys whose `models` allow the
// model (Bifrost's default strategy). The random source is injected so tests can check the weights.
#pragma once

#include "config/config.hpp"

#include <random>
#include <span>
#include <string_view>

namespace heimdall::engine {

/// nullptr when no key allows the model. Keys with weight 0 are chosen only when every allowed
/// key has weight 0 (then uniformly), so a zero weight means "standby", not "disabled".
const config::KeyConfig* select_key(std::span<const config::KeyConfig> keys, std::string_view model,
                                    std::mt19937_64& rng);

/// The calling thread's random source (each worker has its own; no lock).
std::mt19937_64& thread_rng();

}  // namespace heimdall::engine
