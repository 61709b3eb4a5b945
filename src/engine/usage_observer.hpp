// Reads token usage from a provider's own bytes on the fast path, where nothing is decoded: the
// `usage` object of a JSON response, or of the SSE frames that carry one (Anthropic message_start /
// message_delta, OpenAI's final usage chunk). Usage feeds the request log line and, later, budgets.
#pragma once

#include "schema/request.hpp"
#include "schema/sse_event.hpp"
#include "schema/usage.hpp"

#include <simdjson.h>

#include <string>
#include <string_view>

namespace heimdall::engine {

class UsageObserver {
 public:
  explicit UsageObserver(schema::Dialect dialect) : dialect_(dialect) {}

  /// Reads `json` in place: may grow its capacity (simdjson needs readable padding after the last
  /// byte; read_all() reserves it), never changes its contents.
  void observe_body(std::string& json);
  void observe_event(const schema::SseEvent& event);
  const schema::Usage& usage() const { return usage_; }

 private:
  void read_usage(simdjson::padded_string_view json, bool nested_in_message);

  schema::Dialect dialect_;
  schema::Usage usage_;
};

}  // namespace heimdall::engine
