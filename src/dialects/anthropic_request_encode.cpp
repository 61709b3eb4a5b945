// POST /v1/messages request bodies, canonical → Anthropic (anthropic.md §2; §6.1 read backwards for
// requests that came from another dialect).
#include "dialects/anthropic_content.hpp"
#include "dialects/anthropic_internal.hpp"
#include "dialects/anthropic_json.hpp"
#include "dialects/encoded_size.hpp"

#include <string>
#include <utility>

namespace heimdall::dialects::anthropic_detail {

using schema::BlockType;
using schema::CanonicalRequest;
using schema::ContentBlock;
using schema::Error;

namespace {

// Anthropic requires max_tokens; requests from dialects where it is optional get this. 4096 is what
// every current Claude model accepts as output and is large enough for a normal answer.
constexpr uint64_t kDefaultMaxTokens = 4096;

// reasoning_effort → thinking.budget_tokens, the inverse of the §6.1 bucket table: each effort gets
// the smallest budget that the table maps back to the same effort, so a round trip is stable.
// "minimal"/"none" mean no thinking (Anthropic's minimum budget is 1024).
uint64_t budget_for_effort(std::string_view effort) {
  if (effort == "low") {
    return 1024;
  }
  if (effort == "medium") {
    return 2048;
  }
  if (effort == "high") {
    return 4096;
  }
  if (effort == "xhigh") {
    return 8192;
  }
  if (effort == "max") {
    return 16384;
  }
  return 0;
}

bool is_custom_tool(const schema::Tool& t) {
  return t.type.empty() || t.type == "custom" || t.type == "function";
}

void write_system(JsonWriter& w, const CanonicalRequest& req, bool same) {
  // Anthropic's system takes text blocks only.
  size_t text_blocks = 0;
  bool plain = true;  // no cache_control or extra fields: representable as a string
  for (const auto& b : req.system) {
    if (b.type == BlockType::Text) {
      ++text_blocks;
      plain = plain && !b.cache_control && (!same || b.detail().extra.empty());
    }
  }
  if (text_blocks == 0) {
    return;
  }
  w.key("system");
  const bool as_string = plain && (req.system_is_string || (!same && text_blocks == 1));
  if (as_string) {
    std::string joined;
    for (const auto& b : req.system) {
      if (b.type != BlockType::Text) {
        continue;
      }
      if (!joined.empty()) {
        joined.append("\n\n");
      }
      joined.append(b.text);
    }
    w.string(joined);
    return;
  }
  const BlockShape shape = same ? BlockShape::RequestSameDialect : BlockShape::RequestOtherDialect;
  w.begin_array();
  for (const auto& b : req.system) {
    if (b.type == BlockType::Text && is_encodable(b, shape)) {
      encode_block(w, b, shape);
    }
  }
  w.end_array();
}

void write_messages(JsonWriter& w, const CanonicalRequest& req, bool same) {
  const BlockShape shape = same ? BlockShape::RequestSameDialect : BlockShape::RequestOtherDialect;
  w.key("messages");
  w.begin_array();
  for (const auto& m : req.messages) {
    size_t encodable = 0;
    for (const auto& b : m.content) {
      encodable += is_encodable(b, shape) ? 1 : 0;
    }
    if (encodable == 0 && !same) {
      // Anthropic rejects empty turns; another dialect's empty message (e.g. an assistant turn
      // whose only part was dropped reasoning) carries nothing.
      continue;
    }
    w.begin_object();
    w.field("role", m.role == schema::Role::User ? "user" : "assistant");
    w.key("content");
    const bool as_string = m.content_is_string && m.content.size() == 1 &&
                           m.content[0].type == BlockType::Text && !m.content[0].cache_control &&
                           m.content[0].detail().extra.empty();
    if (as_string) {
      w.string(m.content[0].text);
    } else {
      w.begin_array();
      for (const auto& b : m.content) {
        if (is_encodable(b, shape)) {
          encode_block(w, b, shape);
        }
      }
      w.end_array();
    }
    w.end_object();
  }
  w.end_array();
}

void write_tools(JsonWriter& w, const CanonicalRequest& req, bool same) {
  size_t count = 0;
  for (const auto& t : req.tools) {
    count += (same || is_custom_tool(t)) ? 1 : 0;
  }
  if (count == 0) {
    return;
  }
  w.key("tools");
  w.begin_array();
  for (const auto& t : req.tools) {
    const bool custom = is_custom_tool(t);
    if (!same && !custom) {
      continue;  // a dated Anthropic type cannot come from another dialect
    }
    w.begin_object();
    if (same && !t.type.empty()) {
      w.field("type", t.type);
    }
    w.field("name", t.name);
    if (custom) {
      if (!t.description.empty()) {
        w.field("description", t.description);
      }
      w.key("input_schema");
      if (same || t.input_schema_has_type) {
        w.raw_json(t.input_schema);
      } else {
        // Anthropic requires type "object"; OpenAI functions without parameters omit it. It goes
        // last, where a Boost.JSON object inserting the key put it.
        std::string fixed(std::string_view(t.input_schema).substr(0, t.input_schema.size() - 1));
        fixed.append(fixed.size() > 1 ? R"(,"type":"object"})" : R"("type":"object"})");
        w.raw_json(fixed);
      }
    }
    if (t.strict) {
      w.field_bool("strict", *t.strict);
    }
    if (t.cache_control) {
      w.key("cache_control");
      write_cache_control(w, *t.cache_control);
    }
    if (same) {
      for (const auto& kv : t.extra) {
        w.key(kv.key());
        w.value(kv.value());
      }
    }
    w.end_object();
  }
  w.end_array();
}

void write_tool_choice(JsonWriter& w, const CanonicalRequest& req, bool same) {
  using Kind = schema::ToolChoice::Kind;
  const bool no_parallel = req.parallel_tool_calls && !*req.parallel_tool_calls;
  if (!same && req.tools.empty()) {
    return;  // tool_choice without tools is an error upstream and means nothing
  }
  if (!req.tool_choice && !no_parallel) {
    return;
  }
  const schema::ToolChoice tc = req.tool_choice.value_or(schema::ToolChoice{});
  w.key("tool_choice");
  w.begin_object();
  switch (tc.kind) {
    case Kind::Auto:
      w.field("type", "auto");
      break;
    case Kind::Any:
      w.field("type", "any");
      break;
    case Kind::Tool:
      w.field("type", "tool");
      w.field("name", tc.name);
      break;
    case Kind::None:
      w.field("type", "none");
      break;
  }
  // OpenAI's parallel_tool_calls:false is Anthropic's disable_parallel_tool_use:true (§6.1); the
  // `none` variant has no such member.
  if ((tc.disable_parallel_tool_use || no_parallel) && tc.kind != Kind::None) {
    w.field_bool("disable_parallel_tool_use", true);
  }
  w.end_object();
}

void write_thinking(JsonWriter& w, const schema::Thinking& th) {
  w.key("thinking");
  w.begin_object();
  switch (th.kind) {
    case schema::Thinking::Kind::Enabled:
      w.field("type", "enabled");
      w.field_uint("budget_tokens", th.budget_tokens);
      break;
    case schema::Thinking::Kind::Disabled:
      w.field("type", "disabled");
      break;
    case schema::Thinking::Kind::Adaptive:
      w.field("type", "adaptive");
      break;
  }
  if (th.display && th.kind != schema::Thinking::Kind::Disabled) {
    w.field("display", *th.display);
  }
  w.end_object();
}

// A thinking block synthesised from another dialect's reasoning_effort, when the request allows it.
std::optional<schema::Thinking> thinking_from_effort(const CanonicalRequest& req,
                                                     uint64_t max_tokens) {
  if (!req.reasoning_effort) {
    return std::nullopt;
  }
  const uint64_t budget = budget_for_effort(*req.reasoning_effort);
  // Anthropic requires budget_tokens < max_tokens (§2) and allows only auto/none tool_choice with
  // thinking; when either does not hold the effort is dropped rather than causing a 400.
  if (budget == 0 || budget >= max_tokens) {
    return std::nullopt;
  }
  if (req.tool_choice && (req.tool_choice->kind == schema::ToolChoice::Kind::Any ||
                          req.tool_choice->kind == schema::ToolChoice::Kind::Tool)) {
    return std::nullopt;
  }
  schema::Thinking th;
  th.kind = schema::Thinking::Kind::Enabled;
  th.budget_tokens = budget;
  return th;
}

}  // namespace

std::string encode_request(const CanonicalRequest& req) {
  const bool same = req.origin == schema::Dialect::Anthropic;
  const uint64_t max_tokens = req.max_tokens.value_or(kDefaultMaxTokens);
  const std::optional<schema::Thinking> synthesized =
      (!same && !req.thinking) ? thinking_from_effort(req, max_tokens) : std::nullopt;

  std::string out;
  out.reserve(encoded_size_hint(req));
  JsonWriter w(out);
  w.begin_object();
  w.field("model", req.model);
  w.field_uint("max_tokens", max_tokens);
  write_messages(w, req, same);
  write_system(w, req, same);
  // Anthropic accepts only the default sampling with thinking on; a request that asked another
  // dialect for reasoning keeps its reasoning and loses the sampling knobs.
  if (!synthesized) {
    if (req.temperature) {
      w.key("temperature");
      w.number(*req.temperature);
    }
    if (req.top_p) {
      w.key("top_p");
      w.number(*req.top_p);
    }
    if (req.top_k) {
      w.field_uint("top_k", *req.top_k);
    }
  }
  if (!req.stop_sequences.empty()) {
    w.key("stop_sequences");
    w.begin_array();
    for (const auto& s : req.stop_sequences) {
      w.string(s);
    }
    w.end_array();
  }
  if (req.stream) {
    w.field_bool("stream", true);
  }
  if (req.user_id) {
    w.key("metadata");
    w.begin_object();
    w.field("user_id", *req.user_id);
    w.end_object();
  }
  write_tools(w, req, same);
  write_tool_choice(w, req, same);
  if (req.thinking) {
    write_thinking(w, *req.thinking);
  } else if (synthesized) {
    write_thinking(w, *synthesized);
  }
  if (req.service_tier) {
    if (same) {
      w.field("service_tier", *req.service_tier);
    } else if (*req.service_tier == "auto") {
      w.field("service_tier", "auto");
    } else if (*req.service_tier == "default") {
      w.field("service_tier", "standard_only");
    }
  }
  if (same) {
    for (const auto& kv : req.extra) {
      w.key(kv.key());
      w.value(kv.value());
    }
  } else if (req.response_format) {
    // OpenAI's {type:"json_schema", json_schema:{schema}} → Anthropic structured outputs.
    const auto* rf = req.response_format->if_object();
    const auto* js = rf != nullptr ? find(*rf, "json_schema") : nullptr;
    const auto* jso = js != nullptr ? js->if_object() : nullptr;
    const auto* schema = jso != nullptr ? find(*jso, "schema") : nullptr;
    if (schema != nullptr) {
      w.key("output_config");
      w.begin_object();
      w.key("format");
      w.begin_object();
      w.field("type", "json_schema");
      w.key("schema");
      w.value(*schema);
      w.end_object();
      w.end_object();
    }
  }
  w.end_object();
  return out;
}

}  // namespace heimdall::dialects::anthropic_detail
