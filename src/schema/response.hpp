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
  boost::json::object extra;
};

}  // namespace heimdall::schema
