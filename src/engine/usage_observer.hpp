// Reads token usage from a provider's own bytes on the fast path, where nothing is decoded: the
// `usage` object of a JSON response, or of the SSE frames that carry one (Anthropic message_start /
// message_delta, OpenAI's final usage chunk). Usage feeds the request log line and, later, budgets.
#pragma once

#include "http/sse_parser.hpp"
#include "schema/request.hpp"
#include "schema/sse_event.hpp"
#include "schema/usage.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace heimdall::engine {

class UsageObserver {
 public:
  explicit UsageObserver(schema::Dialect dialect) : dialect_(dialect) {}

  void observe_body(std::string_view json);
  void observe_event(const schema::SseEvent& event);
  /// Reads a relayed SSE stream as it passes, one piece per upstream read, split anywhere. Whole
  /// frames without a usage object (most of them) are not parsed at all.
  void observe_stream(std::string_view piece);
  const schema::Usage& usage() const { return usage_; }
  /// Bytes that observe_stream() had to parse.
  size_t bytes_parsed_for_test() const { return bytes_parsed_; }

 private:
  void read_usage(std::string_view json, bool nested_in_message);
  void parse(std::string_view frames);

  schema::Dialect dialect_;
  schema::Usage usage_;
  http::SseParser parser_;
  std::vector<schema::SseEvent> events_;
  bool parser_idle_ = true;  // the bytes seen so far end on a frame boundary
  size_t bytes_parsed_ = 0;
};

}  // namespace heimdall::engine
