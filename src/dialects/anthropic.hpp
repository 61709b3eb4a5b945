// The Anthropic Messages dialect (POST /v1/messages): request, response, SSE stream and error
// codecs, both directions. Wire rules: ../shared/protocol/anthropic.md §2–§5.
//
// Decisions a caller of this codec should know (the why is next to the code that does it):
// - decode_request validates like Anthropic and words errors the same way ("max_tokens: Field
//   required", "messages.0.content: Input should be a valid list"); unknown top-level members,
//   block members and tool members go to `extra`, unknown block types become Opaque.
// - encode_request replays `extra` and Opaque blocks only for requests decoded from Anthropic. For
//   other origins: max_tokens defaults to 4096; reasoning_effort low/medium/high/xhigh/max becomes
//   thinking.budget_tokens 1024/2048/4096/8192/16384 only when that is below max_tokens and
//   tool_choice is not any/tool (temperature/top_p/top_k are then omitted, as thinking requires);
//   parallel_tool_calls:false becomes disable_parallel_tool_use:true (tool_choice auto if none);
//   response_format json_schema becomes output_config.format; empty text blocks, empty turns and
//   tool ids outside [a-zA-Z0-9_-] are fixed up. Unsigned thinking blocks are dropped for every
//   origin (§6.9: Anthropic rejects them).
// - encode_response writes only the documented Message members; ids are forced to `msg_…`.
// - The stream encoder re-numbers blocks it cannot show (images, documents) away, always writes
//   usage.output_tokens and a stop_reason in message_delta, and writes nothing after an error.
#pragma once

#include "dialects/codec.hpp"

namespace heimdall::dialects {

const Codec& anthropic_codec();

}  // namespace heimdall::dialects
