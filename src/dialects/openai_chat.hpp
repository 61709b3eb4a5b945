// The OpenAI Chat Completions dialect (POST /v1/chat/completions): request, response, SSE stream and
// error codecs, both directions. Translation rules to and from the canonical (Anthropic-shaped)
// model: ../shared/protocol/anthropic.md §6.1–§6.3.
#pragma once

#include "dialects/codec.hpp"

namespace heimdall::dialects {

const Codec& openai_chat_codec();

}  // namespace heimdall::dialects
