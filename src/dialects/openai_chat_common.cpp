// Helpers shared by the OpenAI Chat codec's request, response, stream and error files.
#include "dialects/openai_chat_internal.hpp"

#include <boost/json/parse.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>

namespace heimdall::dialects::openai_chat {

namespace json = boost::json;

const json::value* find(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

std::optional<std::string_view> get_string(const json::object& o, std::string_view key) {
  const json::value* v = find(o, key);
  if (v == nullptr || !v->is_string()) {
    return std::nullopt;
  }
  return std::string_view(v->get_string());
}

const json::object* get_object(const json::object& o, std::string_view key) {
  const json::value* v = find(o, key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

const json::array* get_array(const json::object& o, std::string_view key) {
  const json::value* v = find(o, key);
  return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

namespace {

bool is_valid_tool_name(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::string openai_tool_name(const std::string& name, TranslationContext& ctx) {
  if (is_valid_tool_name(name)) {
    return name;
  }
  std::string out;
  out.reserve(64);
  for (char c : std::string_view(name).substr(0, 55)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    out.push_back(ok ? c : '_');
  }
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(fnv1a64(name) & 0xffffffffu));
  out.push_back('_');
  out.append(hex, 8);
  ctx.tool_name_restore.emplace(out, name);
  return out;
}

std::string restore_tool_name(std::string_view name, const TranslationContext& ctx) {
  if (!ctx.tool_name_restore.empty()) {
    auto it = ctx.tool_name_restore.find(std::string(name));
    if (it != ctx.tool_name_restore.end()) {
      return it->second;
    }
  }
  return std::string(name);
}

bool parse_arguments(std::string_view arguments, std::string& input) {
  input = "{}";
  if (arguments.empty()) {
    // No arguments at all is how OpenAI says "no parameters": {} is the faithful reading, not an
    // error.
    return true;
  }
  if (is_compact_json_object(arguments)) {
    // Most models write their arguments this way: kept as they are, without a parse.
    input.assign(arguments);
    return true;
  }
  {
    // Boost.JSON's default nesting limit, which this function had when it parsed with Boost.
    constexpr size_t kMaxDepth = 32;
    const JsonDocument doc(arguments, kMaxDepth);
    if (doc.root()) {
      if (!doc.root()->is_object()) {
        return false;
      }
      input.clear();
      append_json_element(input, *doc.root());
      return true;
    }
  }
  // simdjson refuses numbers beyond the int64/uint64/double ranges, which Boost.JSON reads.
  boost::system::error_code ec;
  const json::value parsed = json::parse(arguments, ec);
  if (ec || !parsed.is_object()) {
    return false;
  }
  input.clear();
  append_json_value(input, parsed);
  return true;
}

schema::StopReason stop_reason_from_finish(std::string_view finish_reason, bool has_tool_calls) {
  using schema::StopReason;
  if (finish_reason == "length") {
    return StopReason::MaxTokens;
  }
  if (finish_reason == "tool_calls" || finish_reason == "function_call") {
    return StopReason::ToolUse;
  }
  if (finish_reason == "content_filter") {
    return StopReason::Refusal;
  }
  // "stop", null and unknown values: end_turn, unless the answer carries tool calls (§6.2, some
  // providers report "stop" with tool calls).
  return has_tool_calls ? StopReason::ToolUse : StopReason::EndTurn;
}

std::string_view finish_reason_from_stop(std::optional<schema::StopReason> stop) {
  using schema::StopReason;
  if (!stop) {
    return "stop";
  }
  switch (*stop) {
    case StopReason::EndTurn:
    case StopReason::StopSequence:
    case StopReason::PauseTurn:
      return "stop";
    case StopReason::MaxTokens:
    case StopReason::ContextWindowExceeded:
      return "length";
    case StopReason::ToolUse:
      return "tool_calls";
    case StopReason::Refusal:
      return "content_filter";
  }
  return "stop";
}

schema::Usage usage_from_openai(simdjson::dom::object usage_object) {
  const Members usage(usage_object);
  schema::Usage u;
  uint64_t prompt = get_uint(usage, "prompt_tokens").value_or(0);
  uint64_t cached = 0;
  if (const auto details = get_object(usage, "prompt_tokens_details")) {
    cached = get_uint(*details, "cached_tokens").value_or(0);
  }
  if (cached > prompt) {
    cached = prompt;  // a provider bug must not make input_tokens wrap around
  }
  u.input_tokens = prompt - cached;
  u.cache_read_input_tokens = cached;
  u.output_tokens = get_uint(usage, "completion_tokens").value_or(0);
  if (const auto details = get_object(usage, "completion_tokens_details")) {
    u.reasoning_tokens = get_uint(*details, "reasoning_tokens");
  }
  return u;
}

void write_usage(JsonWriter& w, const schema::Usage& usage) {
  const uint64_t prompt = usage.total_input_tokens();
  w.begin_object();
  w.field_uint("prompt_tokens", prompt);
  w.field_uint("completion_tokens", usage.output_tokens);
  w.field_uint("total_tokens", prompt + usage.output_tokens);
  w.key("prompt_tokens_details");
  w.begin_object();
  w.field_uint("cached_tokens", usage.cache_read_input_tokens);
  w.end_object();
  w.key("completion_tokens_details");
  w.begin_object();
  w.field_uint("reasoning_tokens", usage.reasoning_tokens.value_or(0));
  w.end_object();
  w.end_object();
}

AssistantContent assistant_content(const std::vector<schema::ContentBlock>& blocks) {
  AssistantContent c;
  for (const schema::ContentBlock& b : blocks) {
    if (b.type == schema::BlockType::Text) {
      ++c.text_blocks;
    } else if (b.type == schema::BlockType::Thinking) {
      c.has_reasoning = c.has_reasoning || !b.text.empty();
    } else if (b.type == schema::BlockType::ToolUse) {
      c.has_calls = true;
    }
    // Redacted thinking and opaque blocks have no OpenAI form (§6.1).
  }
  return c;
}

void write_joined(JsonWriter& w, const std::vector<schema::ContentBlock>& blocks,
                  schema::BlockType type) {
  const schema::ContentBlock* only = nullptr;
  size_t count = 0;
  for (const schema::ContentBlock& b : blocks) {
    if (b.type == type) {
      only = &b;
      ++count;
    }
  }
  if (count == 1) {
    w.string(only->text);  // the common case needs no copy
    return;
  }
  std::string text;
  for (const schema::ContentBlock& b : blocks) {
    if (b.type == type) {
      text.append(b.text);
    }
  }
  w.string(text);
}

namespace {

// Ids for answers whose upstream sent none: unique per process run (random start, then counted), so
// two concurrent requests never share one (§6.2, checklist 29).
std::string fresh_id_suffix() {
  static std::atomic<uint64_t> counter{
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) *
      0x9e3779b97f4a7c15ull};
  uint64_t n = counter.fetch_add(0x9e3779b97f4a7c15ull, std::memory_order_relaxed);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(n));
  return std::string("gw") + buf;
}

}  // namespace

std::string message_id_from_openai(std::string_view id) {
  constexpr std::string_view kPrefix = "chatcmpl-";
  if (id.empty()) {
    return "msg_" + fresh_id_suffix();
  }
  if (id.substr(0, kPrefix.size()) == kPrefix) {
    id.remove_prefix(kPrefix.size());
  }
  return "msg_" + std::string(id);
}

std::string openai_id_from_message(std::string_view id) {
  constexpr std::string_view kPrefix = "msg_";
  if (id.empty()) {
    return "chatcmpl-" + fresh_id_suffix();
  }
  if (id.substr(0, kPrefix.size()) == kPrefix) {
    id.remove_prefix(kPrefix.size());
  }
  return "chatcmpl-" + std::string(id);
}

}  // namespace heimdall::dialects::openai_chat
