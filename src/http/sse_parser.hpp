// Incremental Server-Sent Events parser (WHATWG rules): frames may be split anywhere across reads;
// lines end in "\n", "\r\n" or "\r"; ":" lines are comments; several data lines join with "\n"; an
// empty line dispatches. No sockets: feed it bytes as they arrive.
#pragma once

#include "schema/sse_event.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace heimdall::http {

class SseParser {
 public:
  /// Parses `bytes`, appending every event completed by them to `out`.
  void feed(std::string_view bytes, std::vector<schema::SseEvent>& out);
  /// The stream ended: a final event not followed by a blank line is dispatched (if it has data).
  void finish(std::vector<schema::SseEvent>& out);
  /// Bytes of raw input consumed up to the end of the last dispatched event (for relays that pass
  /// through whole frames).
  size_t pending_bytes() const { return line_.size(); }

 private:
  void process_line(std::string_view line, std::vector<schema::SseEvent>& out);

  std::string line_;  // the incomplete line carried over between feeds
  bool last_was_cr_ = false;
  schema::SseEvent current_;
  bool has_data_ = false;
};

}  // namespace heimdall::http
