// The canonical response and its stop reasons (Anthropic's vocabulary, the richest).
#pragma once

#include "schema/content.hpp"
#include "schema/usage.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace heimdall::schema {

enum class StopReason {
  EndTurn,
  MaxTokens,
  StopSequence,
  ToolUse,
  PauseTurn,
  Refusal,
  ContextWindowExceeded,
};

struct CanonicalResponse {
  std::string id;
  std::string model;
  std::vector<ContentBlock> content;
  std::optional<StopReason> stop_reason;
  std::optional<std::string> stop_sequence;
  Usage usage;
  // Members of an OpenAI chat.completion that other dialects have no slot for, echoed to an OpenAI
  // caller. Typed rather than in `extra`: building and freeing JSON values for them cost more than
  // the rest of a short answer's decoding.
  std::string created;  // the integer's JSON text; empty when absent or not an integer
  std::optional<std::string> system_fingerprint;
  std::optional<std::string> service_tier;
  // Anthropic's usage members that Usage has no slot for (the cache_creation split,
  // server_tool_use, service_tier), as one compact JSON object; empty when there are none. Text,
  // not a member of `extra`: no encoder writes them, and building them as Boost.JSON values cost
  // more than the rest of decoding a short answer.
  std::string usage_extra;
  boost::json::object extra;
};

}  // namespace heimdall::schema
