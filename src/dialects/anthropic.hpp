// The Anthropic Messages dialect (POST /v1/messages): request, response, SSE stream and error codecs,
// both directions. Wire rules: ../shared/protocol/anthropic.md §2–§5.
#pragma once

#include "dialects/codec.hpp"

namespace heimdall::dialects {

const Codec& anthropic_codec();

}  // namespace heimdall::dialects
