// The canonical request: what every dialect's decode_request produces and encode_request consumes.
// A superset of the Anthropic Messages and OpenAI Chat requests; a field one dialect has and this
// model lacks goes to `extra`, which is replayed only to the dialect it came from.
#pragma once

#include "schema/content.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace heimdall::schema {

enum class Role { User, Assistant };

struct Message {
  Role role = Role::User;
  std::vector<ContentBlock> content;
  bool content_is_string = false;  // sent as a plain string: re-encode the same way where possible
};

struct Tool {
  std::string name;
  std::string description;
  // A JSON object as compact text (as boost::json::serialize writes it): encoders only re-emit the
  // schema, and building it as a Boost.JSON value cost more than the rest of the tool.
  std::string input_schema = "{}";
  // Whether input_schema has a top-level "type" member: Anthropic requires one, OpenAI functions
  // may omit it.
  bool input_schema_has_type = false;
  // "custom" (or empty) for caller-defined tools; a dated Anthropic type ("bash_20250124",
  // "web_search_20250305", …) for Anthropic-defined ones, which have no input_schema on the wire.
  std::string type;
  std::optional<bool> strict;
  std::optional<CacheControl> cache_control;
  boost::json::object extra;
};

struct ToolChoice {
  enum class Kind { Auto, Any, Tool, None };
  Kind kind = Kind::Auto;
  std::string name;  // Kind::Tool
  bool disable_parallel_tool_use = false;
};

struct Thinking {
  enum class Kind { Enabled, Disabled, Adaptive };
  Kind kind = Kind::Enabled;
  uint64_t budget_tokens = 0;
  std::optional<std::string> display;  // "summarized" | "omitted"
};

// The dialect a request was decoded from: `extra` is only meaningful to that dialect.
enum class Dialect { Anthropic, OpenAiChat };

struct CanonicalRequest {
  Dialect origin = Dialect::Anthropic;
  std::string model;
  std::vector<ContentBlock> system;  // text blocks, possibly with cache_control
  bool system_is_string = false;
  std::vector<Message> messages;

  std::optional<uint64_t> max_tokens;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<uint64_t> top_k;
  std::vector<std::string> stop_sequences;
  bool stream = false;
  // OpenAI's stream_options.include_usage (Anthropic streams always carry usage).
  bool include_usage = false;

  std::optional<Thinking> thinking;
  std::optional<std::string> reasoning_effort;  // OpenAI "low" | "medium" | "high" …

  std::vector<Tool> tools;
  std::optional<ToolChoice> tool_choice;
  std::optional<bool> parallel_tool_calls;

  std::optional<std::string> user_id;  // Anthropic metadata.user_id, OpenAI user
  std::optional<std::string> service_tier;
  std::optional<boost::json::value> response_format;  // OpenAI response_format / Anthropic output format

  boost::json::object extra;
};

}  // namespace heimdall::schema
