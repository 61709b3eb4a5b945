#include "reply_plan.hpp"

#include "stamp.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>

namespace heimdall::mock {

namespace {

// Placeholders in a [[stamp]] reply without [[deltas:N]].
constexpr size_t kDefaultStamps = 16;

std::atomic<uint64_t> g_counter{0};

const ToolSpec* find_tool(const std::vector<ToolSpec>& tools, std::string_view name) {
  for (const auto& t : tools) {
    if (t.name == name) {
      return &t;
    }
  }
  return nullptr;
}

// The tool the request makes the mock call, or null.
const ToolSpec* choose_tool(const ReplyInputs& in) {
  if (in.tools.empty() || in.force == ToolForce::Disabled) {
    return nullptr;
  }
  if (in.force == ToolForce::Named) {
    if (const ToolSpec* t = find_tool(in.tools, in.forced_name)) {
      return t;
    }
  }
  const ToolSpec* chosen = nullptr;
  switch (in.triggers.tool) {
    case ToolTrigger::First:
      chosen = &in.tools.front();
      break;
    case ToolTrigger::Named:
      chosen = find_tool(in.tools, in.triggers.tool_arg);
      break;
    case ToolTrigger::Bash:
      chosen = find_tool(in.tools, "Bash");
      if (chosen == nullptr) {
        chosen = find_tool(in.tools, "bash");
      }
      break;
    case ToolTrigger::None:
      break;
  }
  if (chosen == nullptr && in.force != ToolForce::Auto) {
    chosen = &in.tools.front();
  }
  return chosen;
}

boost::json::value value_for_property(const boost::json::value& prop) {
  const auto* obj = prop.if_object();
  if (obj == nullptr) {
    return "mock";
  }
  if (const auto* e = obj->if_contains("enum");
      e != nullptr && e->is_array() && !e->as_array().empty()) {
    return e->as_array().front();
  }
  std::string_view type;
  if (const auto* t = obj->if_contains("type")) {
    if (t->is_string()) {
      type = t->as_string();
    } else if (t->is_array()) {
      for (const auto& alt : t->as_array()) {
        if (alt.is_string() && alt.as_string() != "null") {
          type = alt.as_string();
          break;
        }
      }
    }
  }
  if (type == "number" || type == "integer") {
    return 1;
  }
  if (type == "boolean") {
    return true;
  }
  if (type == "object") {
    return boost::json::object();
  }
  if (type == "array") {
    return boost::json::array();
  }
  return "mock";
}

// Where a reply is cut by stop sequences and max_tokens, if at all.
void apply_cuts(const ReplyInputs& in, ReplyPlan& plan) {
  size_t cut = std::string::npos;
  for (const auto& seq : in.stop_sequences) {
    if (seq.empty()) {
      continue;
    }
    const size_t at = plan.text.find(seq);
    if (at != std::string::npos && (cut == std::string::npos || at < cut)) {
      cut = at;
      plan.stop = StopKind::StopSequence;
      plan.stop_sequence = seq;
    }
  }
  if (in.max_tokens) {
    // The end of word number max_tokens, if the text has more words than that.
    size_t words = 0;
    size_t i = 0;
    const std::string& t = plan.text;
    while (i < t.size()) {
      while (i < t.size() && t[i] == ' ') {
        ++i;
      }
      if (i == t.size()) {
        break;
      }
      if (words == *in.max_tokens) {
        // Another word starts past the limit: cut at the end of the previous one.
        size_t end = i;
        while (end > 0 && t[end - 1] == ' ') {
          --end;
        }
        if (cut == std::string::npos || end < cut) {
          cut = end;
          plan.stop = StopKind::MaxTokens;
          plan.stop_sequence.clear();
        }
        break;
      }
      ++words;
      while (i < t.size() && t[i] != ' ') {
        ++i;
      }
    }
  }
  if (cut != std::string::npos) {
    plan.text.resize(cut);
  }
}

}  // namespace

uint64_t next_counter() { return g_counter.fetch_add(1, std::memory_order_relaxed) + 1; }

std::string text_of(const boost::json::value& content) {
  if (const auto* s = content.if_string()) {
    return std::string(*s);
  }
  std::string out;
  if (const auto* parts = content.if_array()) {
    for (const auto& part : *parts) {
      const auto* obj = part.if_object();
      if (obj == nullptr) {
        continue;
      }
      const auto* type = obj->if_contains("type");
      const auto* text = obj->if_contains("text");
      if (type != nullptr && type->is_string() && type->as_string() == "text" && text != nullptr &&
          text->is_string()) {
        if (!out.empty()) {
          out.push_back(' ');
        }
        out.append(text->as_string());
      }
    }
  }
  return out;
}

uint64_t input_tokens_for(size_t body_bytes) { return (static_cast<uint64_t>(body_bytes) + 3) / 4; }

size_t count_words(std::string_view text) {
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    if (c == ' ') {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] != ' ') {
      ++i;
    }
    while (i < text.size() && text[i] == ' ') {
      ++i;
    }
    out.push_back(text.substr(start, i - start));
    start = i;
  }
  return out;
}

std::vector<std::string_view> split_even(std::string_view text, size_t n) {
  std::vector<std::string_view> out;
  if (n == 0) {
    return out;
  }
  out.reserve(n);
  // Character (code point) starts, so no piece ends inside a UTF-8 sequence.
  std::vector<size_t> starts;
  starts.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      starts.push_back(i);
    }
  }
  const size_t chars = starts.size();
  size_t begin = 0;
  for (size_t k = 1; k <= n; ++k) {
    const size_t char_end = chars * k / n;
    const size_t end = char_end >= chars ? text.size() : starts[char_end];
    out.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  return out;
}

boost::json::object tool_input_from_schema(const boost::json::value* schema) {
  boost::json::object input;
  if (schema == nullptr || !schema->is_object()) {
    return input;
  }
  const auto& s = schema->as_object();
  const auto* required = s.if_contains("required");
  if (required == nullptr || !required->is_array()) {
    return input;
  }
  const boost::json::object* props = nullptr;
  if (const auto* p = s.if_contains("properties"); p != nullptr && p->is_object()) {
    props = &p->as_object();
  }
  for (const auto& name : required->as_array()) {
    if (!name.is_string()) {
      continue;
    }
    const boost::json::value* prop =
        props != nullptr ? props->if_contains(name.as_string()) : nullptr;
    input[name.as_string()] =
        prop != nullptr ? value_for_property(*prop) : boost::json::value("mock");
  }
  return input;
}

std::string signature_for(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "mock-sig-";
  for (int shift = 60; shift >= 0; shift -= 4) {
    out.push_back(kHex[(h >> shift) & 0xF]);
  }
  return out;
}

ReplyPlan plan_reply(const ReplyInputs& in) {
  ReplyPlan plan;
  if (in.thinking) {
    plan.thinking = "mock thinking about: " + in.prompt;
    plan.thinking_tokens = 10;
  }
  if (const ToolSpec* tool = choose_tool(in)) {
    plan.tool_call = true;
    plan.tool_name = tool->name;
    plan.text = "Calling " + tool->name + ".";
    if (in.triggers.tool == ToolTrigger::Bash && (tool->name == "Bash" || tool->name == "bash")) {
      boost::json::object input;
      input["command"] = in.triggers.tool_arg;
      input["description"] = "mock";
      plan.tool_input = boost::json::serialize(input);
    } else {
      plan.tool_input = boost::json::serialize(tool_input_from_schema(tool->schema));
    }
    plan.stop = StopKind::ToolUse;
  } else {
    if (in.triggers.stamp) {
      plan.text = stamp_placeholders(in.triggers.deltas.value_or(kDefaultStamps));
    } else if (in.tool_results) {
      plan.text = "tool said: " + *in.tool_results;
    } else {
      plan.text = "mock reply to: " + in.prompt + " | model=" + in.model + " | key=" + in.key;
    }
    apply_cuts(in, plan);
  }
  plan.prompt_tokens = input_tokens_for(in.body_bytes);
  plan.cached_tokens = in.triggers.cached;
  plan.cache_write_tokens = in.triggers.cache_write;
  plan.output_tokens = count_words(plan.text) + plan.thinking_tokens + (plan.tool_call ? 5 : 0);
  return plan;
}

}  // namespace heimdall::mock
