// A local input-token estimate for count_tokens when the provider has no counting endpoint (OpenAI-
// format providers). Never zero: Claude Code only falls back to its own estimate on an error, and a
// zero would stop its auto-compaction (anthropic.md §1.4).
//
// The estimate, documented for callers: 1 token per 4 UTF-8 bytes of text (system, message text,
// tool results, tool_use inputs and tool definitions serialised as JSON), rounded up, + 3 tokens
// per message, + 1,600 per image and 1,500 per document (Anthropic's bound for a full-size image),
// ≥ 1.
#pragma once

#include <cstdint>
#include <string_view>

#include "schema/error.hpp"

namespace heimdall::engine {

/// `body` is an Anthropic count_tokens (or messages) request.
schema::Result<uint64_t> estimate_input_tokens(std::string_view body);

}  // namespace heimdall::engine
