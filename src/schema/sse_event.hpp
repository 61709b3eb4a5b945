// One Server-Sent Event as the SSE parser (http/sse_parser) delivers it and the dialect stream codecs
// consume it. Plain data, no I/O.
#pragma once

#include <string>
#include <string_view>

namespace heimdall::schema {

struct SseEvent {
  std::string event;  // the `event:` field; empty when absent (OpenAI sends none)
  std::string data;   // `data:` lines joined with '\n'
  std::string id;
};

}  // namespace heimdall::schema

namespace heimdall::schema {

/// Appends one SSE frame: `event: <name>\n` (omitted when `event` is empty), `data: <data>\n\n`.
/// `data` must be a single line (JSON without raw newlines), as every SDK expects.
inline void append_sse_frame(std::string& out, std::string_view event, std::string_view data) {
  if (!event.empty()) {
    out.append("event: ").append(event).append("\n");
  }
  out.append("data: ").append(data).append("\n\n");
}

}  // namespace heimdall::schema
