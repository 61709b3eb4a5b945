// Inputs of the codec micro-benchmarks, loaded or generated once per process: the harness's 2 KB
// request bodies, 50 KB ones grown from them by repeating the conversation's middle turns (a long
// agent session), a typical response per dialect, and a typical SSE stream per dialect.
#pragma once

#include "schema/sse_event.hpp"

#include <string>
#include <vector>

namespace heimdall::bench {

struct Bodies {
  std::string anthropic_2k;
  std::string anthropic_50k;
  std::string openai_2k;
  std::string openai_50k;
  std::string anthropic_response;
  std::string openai_response;
  // Raw SSE bytes of a streamed answer: a 48-delta text block, then a tool call whose arguments
  // come in 8 fragments, then the end of the message (usage included).
  std::string anthropic_stream;
  std::string openai_stream;
};

/// Loaded on first use; aborts with a message when a data file is missing.
const Bodies& bodies();

/// `sse` parsed into events by http::SseParser (the way the engine receives them).
std::vector<schema::SseEvent> parse_events(const std::string& sse);

}  // namespace heimdall::bench
