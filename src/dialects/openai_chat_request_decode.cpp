// OpenAI Chat Completions request body → canonical request (an OpenAI SDK caller on the /openai
// surface). The reverse of anthropic.md §6.1: system/developer messages become system blocks, tool
// messages become tool_result blocks of one user turn, tool_calls become tool_use blocks. Fields
// the canonical model has no slot for go to `extra` and are replayed only to this dialect.
#include "dialects/openai_chat_internal.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace heimdall::dialects::openai_chat {

namespace json = boost::json;
namespace dom = simdjson::dom;
using schema::BlockType;
using schema::ContentBlock;
using schema::Error;
using schema::Message;
using schema::Result;
using schema::Role;

namespace {

// OpenAI's words for JSON kinds, used in its "Invalid type for 'x'" messages.
std::string_view kind_name(dom::element v) {
  switch (v.type()) {
    case dom::element_type::NULL_VALUE:
      return "null";
    case dom::element_type::BOOL:
      return "a boolean";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
      return "an integer";
    case dom::element_type::DOUBLE:
      return "a decimal";
    case dom::element_type::STRING:
      return "a string";
    case dom::element_type::ARRAY:
      return "an array";
    case dom::element_type::OBJECT:
      return "an object";
  }
  return "an unknown type";
}

// A parameter's name in an error (`messages[3].content[1]`), spelled only when an error names it:
// building the name of every message and part up front was a good part of a decode.
struct Param {
  // A top-level name reads as a Param (`missing("model")`).
  Param(std::string_view root, std::optional<size_t> i = std::nullopt) : name(root), index(i) {}
  Param(const char* root) : name(root) {}
  Param(const Param* p, std::string_view n, std::optional<size_t> i)
      : parent(p), name(n), index(i) {}

  const Param* parent = nullptr;
  std::string_view name;        // after a dot, or first; may be empty
  std::optional<size_t> index;  // then `[index]`

  // The returned Param refers to this one: use it within the full expression or while this lives.
  Param at(size_t i) const { return {this, {}, i}; }
  Param child(std::string_view n) const { return {this, n, std::nullopt}; }
  std::string str() const {
    std::string out = parent != nullptr ? parent->str() : std::string();
    if (!name.empty()) {
      if (!out.empty()) {
        out.push_back('.');
      }
      out.append(name);
    }
    if (index) {
      out.append("[").append(std::to_string(*index)).append("]");
    }
    return out;
  }
};

Error invalid_type(const Param& param, std::string_view expected, dom::element got) {
  std::string m = "Invalid type for '";
  m.append(param.str()).append("': expected ").append(expected).append(", but got ");
  m.append(kind_name(got)).append(" instead.");
  return Error::invalid(std::move(m));
}

Error missing(const Param& param) {
  return Error::invalid("Missing required parameter: '" + param.str() + "'.");
}

std::optional<schema::CacheControl> decode_cache_control(const Members& part) {
  const auto cc = get_object(part, "cache_control");
  if (!cc) {
    return std::nullopt;
  }
  schema::CacheControl out;
  if (auto type = get_string(*cc, "type")) {
    out.type = std::string(*type);
  }
  if (auto ttl = get_string(*cc, "ttl")) {
    out.ttl = std::string(*ttl);
  }
  return out;
}

// "data:<media_type>;base64,<data>" → a base64 source; anything else is a URL the target fetches.
schema::MediaSource source_from_url(std::string_view url) {
  schema::MediaSource src;
  constexpr std::string_view kData = "data:";
  constexpr std::string_view kBase64 = ";base64";
  if (url.substr(0, kData.size()) == kData) {
    size_t comma = url.find(',');
    if (comma != std::string_view::npos) {
      std::string_view meta = url.substr(kData.size(), comma - kData.size());
      if (meta.size() >= kBase64.size() && meta.substr(meta.size() - kBase64.size()) == kBase64) {
        src.kind = schema::MediaSource::Kind::Base64;
        src.media_type = std::string(meta.substr(0, meta.size() - kBase64.size()));
        src.data = std::string(url.substr(comma + 1));
        return src;
      }
    }
  }
  src.kind = schema::MediaSource::Kind::Url;
  src.url = std::string(url);
  return src;
}

// One element of a user/system/tool `content` array, decoded into `b` (a fresh block already in
// its vector: blocks are large, so they are built in place); `param` names it in errors (e.g.
// `messages[2].content`, element `i`).
std::optional<Error> decode_part(dom::element part_value, const Param& param, size_t i,
                                 ContentBlock& b) {
  const Param at = param.at(i);
  dom::object part_object;
  if (part_value.get_object().get(part_object) != simdjson::SUCCESS) {
    return invalid_type(at, "an object", part_value);
  }
  const Members part(part_object);
  auto type = get_string(part, "type");
  if (!type) {
    return missing(at.child("type"));
  }
  if (equals(*type, "text")) {
    auto text = get_string(part, "text");
    if (!text) {
      return missing(at.child("text"));
    }
    b.type = BlockType::Text;
    b.text = std::string(*text);
  } else if (equals(*type, "image_url")) {
    const auto image = get_object(part, "image_url");
    auto url = image ? get_string(*image, "url") : std::nullopt;
    if (!url) {
      return missing(at.child("image_url.url"));
    }
    b.type = BlockType::Image;
    b.mutable_detail().source = source_from_url(*url);
    if (const auto detail = find(*image, "detail")) {
      b.mutable_detail().extra.emplace("detail",
                                       to_boost(*detail));  // OpenAI-only; replayed to this dialect
    }
  } else if (equals(*type, "file")) {
    const auto file = get_object(part, "file");
    if (!file) {
      return missing(at.child("file"));
    }
    b.type = BlockType::Document;
    if (auto data = get_string(*file, "file_data")) {
      schema::MediaSource& source = b.mutable_detail().source;
      source = source_from_url(*data);
      if (source.kind == schema::MediaSource::Kind::Base64 && source.media_type.empty()) {
        source.media_type = "application/pdf";
      }
    } else if (auto id = get_string(*file, "file_id")) {
      b.mutable_detail().source.kind = schema::MediaSource::Kind::File;
      b.mutable_detail().source.file_id = std::string(*id);
    } else {
      return missing(at.child("file.file_data"));
    }
    if (const auto filename = find(*file, "filename")) {
      b.mutable_detail().extra.emplace("filename", to_boost(*filename));
    }
  } else {
    // input_audio and newer part types: kept whole for an OpenAI upstream, dropped for others.
    b.type = BlockType::Opaque;
    b.mutable_detail().raw = to_boost(part_value);
    return std::nullopt;
  }
  b.cache_control = decode_cache_control(part);
  return std::nullopt;
}

// A `content` that is a string or an array of parts, appended to `blocks`. `allow_refusal`:
// assistant parts may be {type:"refusal"}, which the canonical model carries as text.
std::optional<Error> decode_content(dom::element content, const Param& param, bool allow_refusal,
                                    std::vector<ContentBlock>& blocks) {
  std::string_view text;
  if (content.get_string().get(text) == simdjson::SUCCESS) {
    schema::append_text(blocks, text);
    return std::nullopt;
  }
  dom::array parts;
  if (content.get_array().get(parts) != simdjson::SUCCESS) {
    return invalid_type(param, "one of a string or array of objects", content);
  }
  // A tool turn appends several contents to one vector: reserving each time would reallocate (and
  // move every block) once per content.
  if (blocks.capacity() < blocks.size() + parts.size()) {
    blocks.reserve(std::max(blocks.size() + parts.size(), 2 * blocks.capacity()));
  }
  size_t i = 0;
  for (const dom::element part : parts) {
    dom::object o;
    if (allow_refusal && part.get_object().get(o) == simdjson::SUCCESS) {
      auto type = get_string(o, "type");
      auto refusal = get_string(o, "refusal");
      if (type && equals(*type, "refusal") && refusal) {
        blocks.emplace_back().text = std::string(*refusal);
        ++i;
        continue;
      }
    }
    if (auto err = decode_part(part, param, i, blocks.emplace_back())) {
      return err;
    }
    ++i;
  }
  return std::nullopt;
}

Result<Message> decode_assistant(const Members& m, const Param& param) {
  Message out;
  out.role = Role::Assistant;
  // Reasoning, text, refusal and the calls: blocks are large, growing the vector moves them.
  const auto call_list = get_array(m, "tool_calls");
  out.content.reserve(3 + (call_list ? call_list->size() : 0));
  // Reasoning text of DeepSeek-style upstreams comes back in history: it leads the turn (§6.2).
  for (std::string_view key : {"reasoning_content", "reasoning"}) {
    auto reasoning = get_string(m, key);
    if (reasoning && !reasoning->empty()) {
      ContentBlock b;
      b.type = BlockType::Thinking;
      b.text = std::string(*reasoning);
      out.content.push_back(std::move(b));
      break;
    }
  }
  if (const auto content = find(m, "content"); content && !content->is_null()) {
    const size_t first = out.content.size();
    if (auto err = decode_content(*content, param.child("content"),
                                  /*allow_refusal=*/true, out.content)) {
      return *err;
    }
    out.content_is_string = content->is_string();
    // "" says "no text" (e.g. next to tool_calls); an empty block is invalid elsewhere.
    out.content.erase(
        std::remove_if(
            out.content.begin() + static_cast<ptrdiff_t>(first), out.content.end(),
            [](const ContentBlock& b) { return b.type == BlockType::Text && b.text.empty(); }),
        out.content.end());
  } else {
    out.content_is_string = true;
  }
  if (auto refusal = get_string(m, "refusal"); refusal && !refusal->empty()) {
    schema::append_text(out.content, *refusal);
  }
  if (const auto calls = find(m, "tool_calls"); calls && !calls->is_null()) {
    dom::array arr;
    if (calls->get_array().get(arr) != simdjson::SUCCESS) {
      return invalid_type(param.child("tool_calls"), "an array", *calls);
    }
    size_t i = 0;
    for (const dom::element call_value : arr) {
      dom::object call_object;
      if (call_value.get_object().get(call_object) != simdjson::SUCCESS) {
        return invalid_type(param.child("tool_calls").at(i), "an object", call_value);
      }
      const Members call(call_object);
      auto id = get_string(call, "id");
      const auto fn_object = get_object(call, "function");
      const std::optional<Members> fn =
          fn_object ? std::optional<Members>(std::in_place, *fn_object) : std::nullopt;
      auto name = fn ? get_string(*fn, "name") : std::nullopt;
      if (!id) {
        return missing(param.child("tool_calls").at(i).child("id"));
      }
      if (!name) {
        return missing(param.child("tool_calls").at(i).child("function.name"));
      }
      ContentBlock& b = out.content.emplace_back();
      b.type = BlockType::ToolUse;
      b.id = std::string(*id);
      b.name = std::string(*name);
      auto arguments = get_string(*fn, "arguments").value_or("");
      if (!parse_arguments(arguments, b.input)) {
        // Kept as {} for other dialects; the original text is replayed verbatim to this one.
        b.mutable_detail().extra.emplace("invalid_arguments", arguments);
      }
      ++i;
    }
  }
  return out;
}

// Decodes into `b`, a fresh block already in its vector (see decode_part).
std::optional<Error> decode_tool_message(const Members& m, const Param& param, ContentBlock& b) {
  auto id = get_string(m, "tool_call_id");
  if (!id) {
    return missing(param.child("tool_call_id"));
  }
  b.type = BlockType::ToolResult;
  b.tool_use_id = std::string(*id);
  const auto content = find(m, "content");
  if (!content || content->is_null()) {
    b.content_is_string = true;
    schema::append_text(b.content, "");
    return std::nullopt;
  }
  if (auto err = decode_content(*content, param.child("content"),
                                /*allow_refusal=*/false, b.content)) {
    return *err;
  }
  b.content_is_string = content->is_string();
  return std::nullopt;
}

std::optional<Error> decode_messages(dom::array messages, schema::CanonicalRequest& r) {
  size_t system_messages = 0;
  bool system_all_strings = true;
  // The user turn that tool messages opened: later tool messages and the next user message join it,
  // because Anthropic-shaped turns carry tool_results first and then the user's text (§6.1).
  bool in_tool_turn = false;
  r.messages.reserve(messages.size());
  size_t i = 0;
  for (const dom::element message : messages) {
    const Param param("messages", i++);
    dom::object message_object;
    if (message.get_object().get(message_object) != simdjson::SUCCESS) {
      return invalid_type(param, "an object", message);
    }
    const Members m(message_object);
    auto role = get_string(m, "role");
    if (!role) {
      return missing(param.child("role"));
    }
    const auto content = find(m, "content");
    if (equals(*role, "system") || equals(*role, "developer")) {
      if (!content || content->is_null()) {
        return missing(param.child("content"));
      }
      if (auto err = decode_content(*content, param.child("content"), false, r.system)) {
        return err;
      }
      ++system_messages;
      system_all_strings = system_all_strings && content->is_string();
    } else if (equals(*role, "user")) {
      if (!content || content->is_null()) {
        return missing(param.child("content"));
      }
      if (in_tool_turn) {
        if (auto err = decode_content(*content, param.child("content"), false,
                                      r.messages.back().content)) {
          return err;
        }
        in_tool_turn = false;
      } else {
        Message msg;
        msg.role = Role::User;
        if (auto err = decode_content(*content, param.child("content"), false, msg.content)) {
          return err;
        }
        msg.content_is_string = content->is_string();
        r.messages.push_back(std::move(msg));
      }
    } else if (equals(*role, "assistant")) {
      auto msg = decode_assistant(m, param);
      if (!msg) {
        return msg.error();
      }
      r.messages.push_back(std::move(*msg));
      in_tool_turn = false;
    } else if (equals(*role, "tool")) {
      if (!in_tool_turn) {
        r.messages.emplace_back().role = Role::User;
        in_tool_turn = true;
      }
      if (auto err = decode_tool_message(m, param, r.messages.back().content.emplace_back())) {
        return err;
      }
    } else {
      return Error::invalid("Invalid value: '" + std::string(*role) +
                            "'. Supported values are: 'system', 'assistant', 'user', 'tool', and "
                            "'developer'.");
    }
  }
  r.system_is_string = system_messages == 1 && system_all_strings;
  return std::nullopt;
}

std::optional<Error> decode_tools(dom::array tools, schema::CanonicalRequest& r) {
  r.tools.reserve(tools.size());
  size_t i = 0;
  for (const dom::element tool_value : tools) {
    const size_t index = i++;
    dom::object tool_object;
    if (tool_value.get_object().get(tool_object) != simdjson::SUCCESS) {
      return invalid_type(Param("tools", index), "an object", tool_value);
    }
    const Members t(tool_object);
    auto type = get_string(t, "type").value_or("function");
    if (type != "function") {
      // Custom (free-text) tools and future kinds have no canonical form; they are dropped here
      // rather than sent as something they are not.
      continue;
    }
    const auto fn_object = get_object(t, "function");
    if (!fn_object) {
      return missing(Param("tools", index).child("function"));
    }
    const Members fn(*fn_object);
    auto name = get_string(fn, "name");
    if (!name) {
      return missing(Param("tools", index).child("function.name"));
    }
    schema::Tool& tool = r.tools.emplace_back();
    tool.name = std::string(*name);
    tool.description = std::string(get_string(fn, "description").value_or(""));
    if (const auto params = find(fn, "parameters"); params && params->is_object()) {
      tool.input_schema.clear();
      append_json_element(tool.input_schema, *params);
      tool.input_schema_has_type = has_key(params->get_object().value_unsafe(), "type");
    } else {
      // OpenAI allows a function without parameters; Anthropic requires a schema.
      tool.input_schema = R"({"type":"object","properties":{}})";
      tool.input_schema_has_type = true;
    }
    bool strict = false;
    if (const auto s = find(fn, "strict"); s && s->get_bool().get(strict) == simdjson::SUCCESS) {
      tool.strict = strict;
    }
  }
  return std::nullopt;
}

// "auto" | "none" | "required" | {type:"function",function:{name}}. Other shapes (allowed_tools,
// custom) have no canonical form and are replayed from `extra` to this dialect only.
bool decode_tool_choice(dom::element v, schema::CanonicalRequest& r) {
  using Kind = schema::ToolChoice::Kind;
  schema::ToolChoice choice;
  std::string_view s;
  dom::object o;
  if (v.get_string().get(s) == simdjson::SUCCESS) {
    if (s == "auto") {
      choice.kind = Kind::Auto;
    } else if (s == "none") {
      choice.kind = Kind::None;
    } else if (s == "required") {
      choice.kind = Kind::Any;
    } else {
      return false;
    }
  } else if (v.get_object().get(o) == simdjson::SUCCESS) {
    const auto fn = get_object(o, "function");
    auto name = fn ? get_string(*fn, "name") : std::nullopt;
    if (get_string(o, "type").value_or("") != "function" || !name) {
      return false;
    }
    choice.kind = Kind::Tool;
    choice.name = std::string(*name);
  } else {
    return false;
  }
  r.tool_choice = std::move(choice);
  return true;
}

std::optional<uint64_t> count(dom::element v) {
  switch (v.type()) {
    case dom::element_type::UINT64:
      return v.get_uint64().value_unsafe();
    case dom::element_type::INT64:
      if (v.get_int64().value_unsafe() >= 0) {
        return static_cast<uint64_t>(v.get_int64().value_unsafe());
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

Result<schema::CanonicalRequest> decode_request(std::string_view body) {
  // Boost.JSON's default nesting limit, which this decoder had before it parsed with simdjson.
  constexpr size_t kMaxDepth = 32;
  const JsonDocument doc(body, kMaxDepth);
  dom::object o;
  if (!doc.root() || doc.root()->get_object().get(o) != simdjson::SUCCESS) {
    return Error::invalid(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
        "using "
        "your HTTP library correctly. The OpenAI API expects a JSON payload.)");
  }
  schema::CanonicalRequest r;
  r.origin = schema::Dialect::OpenAiChat;
  bool have_messages = false;

  for (const auto [key, v] : Members(o)) {
    if (equals(key, "model")) {
      std::string_view model;
      if (v.get_string().get(model) != simdjson::SUCCESS) {
        return invalid_type("model", "a string", v);
      }
      r.model = std::string(model);
    } else if (equals(key, "messages")) {
      dom::array messages;
      if (v.get_array().get(messages) != simdjson::SUCCESS) {
        return invalid_type("messages", "an array of objects", v);
      }
      if (messages.begin() == messages.end()) {
        return Error::invalid("[] is too short - 'messages'");
      }
      if (auto err = decode_messages(messages, r)) {
        return *err;
      }
      have_messages = true;
    } else if (v.is_null()) {
      // null means "not set" for every optional parameter
    } else if (equals(key, "max_tokens") || equals(key, "max_completion_tokens")) {
      auto n = count(v);
      if (!n) {
        return invalid_type(key, "an integer", v);
      }
      // max_completion_tokens wins when both are sent (it is the newer name and the one o-series
      // models accept); which name the caller used is remembered so it is replayed under that name.
      if (equals(key, "max_completion_tokens") || !r.extra.contains("max_completion_tokens")) {
        r.max_tokens = *n;
      }
      if (equals(key, "max_completion_tokens")) {
        r.extra.emplace("max_completion_tokens", to_boost(v));
      }
    } else if (equals(key, "temperature") || equals(key, "top_p")) {
      auto d = as_number(v);
      if (!d) {
        return invalid_type(key, "a decimal", v);
      }
      (equals(key, "temperature") ? r.temperature : r.top_p) = *d;
    } else if (equals(key, "stop")) {
      std::string_view stop;
      dom::array stops;
      if (v.get_string().get(stop) == simdjson::SUCCESS) {
        r.stop_sequences.emplace_back(stop);
      } else if (v.get_array().get(stops) == simdjson::SUCCESS) {
        for (const dom::element s : stops) {
          if (s.get_string().get(stop) != simdjson::SUCCESS) {
            return invalid_type("stop", "an array of strings", v);
          }
          r.stop_sequences.emplace_back(stop);
        }
      } else {
        return invalid_type("stop", "one of a string or array of strings", v);
      }
    } else if (equals(key, "stream")) {
      bool stream = false;
      if (v.get_bool().get(stream) != simdjson::SUCCESS) {
        return invalid_type("stream", "a boolean", v);
      }
      r.stream = stream;
    } else if (equals(key, "stream_options")) {
      dom::object options;
      if (v.get_object().get(options) == simdjson::SUCCESS) {
        bool include_usage = false;
        const auto iu = find(options, "include_usage");
        r.include_usage =
            iu && iu->get_bool().get(include_usage) == simdjson::SUCCESS && include_usage;
      }
    } else if (equals(key, "tools")) {
      dom::array tools;
      if (v.get_array().get(tools) != simdjson::SUCCESS) {
        return invalid_type("tools", "an array of objects", v);
      }
      if (auto err = decode_tools(tools, r)) {
        return *err;
      }
    } else if (equals(key, "tool_choice")) {
      if (!decode_tool_choice(v, r)) {
        r.extra.emplace(key, to_boost(v));
      }
    } else if (equals(key, "parallel_tool_calls")) {
      bool parallel = false;
      if (v.get_bool().get(parallel) != simdjson::SUCCESS) {
        return invalid_type(key, "a boolean", v);
      }
      r.parallel_tool_calls = parallel;
    } else if (equals(key, "reasoning_effort") && v.is_string()) {
      r.reasoning_effort = std::string(v.get_string().value_unsafe());
    } else if (equals(key, "user") && v.is_string()) {
      r.user_id = std::string(v.get_string().value_unsafe());
    } else if (equals(key, "service_tier") && v.is_string()) {
      r.service_tier = std::string(v.get_string().value_unsafe());
    } else if (equals(key, "response_format")) {
      r.response_format = to_boost(v);
    } else {
      r.extra.emplace(key, to_boost(v));
    }
  }

  if (r.model.empty()) {
    return Error::invalid("you must provide a model parameter");
  }
  if (!have_messages) {
    return Error::invalid("'messages' is a required property");
  }
  if (r.tool_choice && r.parallel_tool_calls) {
    r.tool_choice->disable_parallel_tool_use = !*r.parallel_tool_calls;
  }
  return r;
}

}  // namespace heimdall::dialects::openai_chat
