// Token usage in Anthropic's convention: `input_tokens` EXCLUDES cached tokens (OpenAI's prompt_tokens
// includes them; its codec splits them). Counted integers, never floating point.
#pragma once

#include <cstdint>
#include <optional>

namespace heimdall::schema {

struct Usage {
  uint64_t input_tokens = 0;
  uint64_t output_tokens = 0;  // includes reasoning tokens
  uint64_t cache_read_input_tokens = 0;
  uint64_t cache_creation_input_tokens = 0;
  std::optional<uint64_t> reasoning_tokens;

  uint64_t total_input_tokens() const {
    return input_tokens + cache_read_input_tokens + cache_creation_input_tokens;
  }
};

}  // namespace heimdall::schema
