// tools/mock-provider/reply_plan.hpp
// The dialect-neutral "model" of the mock: from the prompt, offered tools, stop rules and triggers
// it decides the deterministic answer (thinking, text, tool call, stop reason, token counts). The
// Anthropic and OpenAI mocks extract ReplyInputs from their request shape and render the ReplyPlan
// in their wire format, so both dialects answer alike.
#pragma once

#include "triggers.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heimdall::mock {

struct ToolSpec {
  std::string name;
  // The JSON schema of the tool's input; null when the tool has none. Borrowed from the parsed
  // request.
  const boost::json::value* schema = nullptr;
};

enum class ToolForce {
  Auto,      // the model may call a tool (only when a trigger asks)
  Disabled,  // tool_choice none: never call
  Any,       // Anthropic any / OpenAI required: call one (the triggered one, else the first)
  Named,     // Anthropic {type: tool} / OpenAI {type: function}: call that one
};

enum class StopKind { EndTurn, StopSequence, MaxTokens, ToolUse };

struct ReplyInputs {
  std::string prompt;
  // Set when the conversation ends with tool results: their texts joined with " | ".
  std::optional<std::string> tool_results;
  std::string model;
  std::string key;
  std::vector<ToolSpec> tools;
  ToolForce force = ToolForce::Auto;
  std::string forced_name;
  std::vector<std::string> stop_sequences;
  std::optional<uint64_t> max_tokens;
  bool thinking = false;
  size_t body_bytes = 0;
  Triggers triggers;
};

struct ReplyPlan {
  std::string thinking;  // empty: no thinking block
  std::string text;
  bool tool_call = false;
  std::string tool_name;
  std::string tool_input;  // serialized JSON object
  StopKind stop = StopKind::EndTurn;
  std::string stop_sequence;   // the matched one when stop == StopSequence
  uint64_t prompt_tokens = 0;  // total, cached included
  uint64_t cached_tokens = 0;
  uint64_t cache_write_tokens = 0;
  uint64_t output_tokens = 0;
  uint64_t thinking_tokens = 0;
};

ReplyPlan plan_reply(const ReplyInputs& in);

/// The text of a message content value in either dialect: the string itself, or the `text` parts
/// joined with a space.
std::string text_of(const boost::json::value& content);

/// Input tokens of a request body: ceil(bytes / 4).
uint64_t input_tokens_for(size_t body_bytes);

/// Number of space-separated words.
size_t count_words(std::string_view text);

/// One piece per word, each keeping the spaces that follow it ("a b" -> "a ", "b").
std::vector<std::string_view> split_words(std::string_view text);

/// Exactly `n` pieces (some empty when the text is shorter than n characters), never splitting a
/// UTF-8 sequence; concatenated they give `text` back.
std::vector<std::string_view> split_even(std::string_view text, size_t n);

/// Builds a tool input from a JSON schema: each `required` property gets "mock", 1, true, {} or []
/// after its type (the first `enum` value when it has one).
boost::json::object tool_input_from_schema(const boost::json::value* schema);

/// "mock-sig-<16 hex digits>" derived from the text (FNV-1a).
std::string signature_for(std::string_view text);

/// A process-wide counter for ids (msg_mock_<n>, req_mock_<n>, toolu_mock_<n>); starts at 1.
uint64_t next_counter();

}  // namespace heimdall::mock
