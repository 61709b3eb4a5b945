// OpenAI Chat Completions request body → canonical request (an OpenAI SDK caller on the /openai
// surface). The reverse of anthropic.md §6.1: system/developer messages become system blocks, tool
// messages become tool_result blocks of one user turn, tool_calls become tool_use blocks. Fields
// the canonical model has no slot for go to `extra` and are replayed only to this dialect.
#include "dialects/openai_chat_internal.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <utility>

namespace heimdall::dialects::openai_chat {

namespace json = boost::json;
using schema::BlockType;
using schema::ContentBlock;
using schema::Error;
using schema::Message;
using schema::Result;
using schema::Role;

namespace {

// OpenAI's words for JSON kinds, used in its "Invalid type for 'x'" messages.
std::string_view kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
      return "an integer";
    case json::kind::double_:
      return "a decimal";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "an unknown type";
}

Error invalid_type(std::string_view param, std::string_view expected, const json::value& got) {
  std::string m = "Invalid type for '";
  m.append(param).append("': expected ").append(expected).append(", but got ");
  m.append(kind_name(got)).append(" instead.");
  return Error::invalid(std::move(m));
}

Error missing(std::string_view param) {
  return Error::invalid("Missing required parameter: '" + std::string(param) + "'.");
}

std::optional<schema::CacheControl> decode_cache_control(const json::object& part) {
  const json::object* cc = get_object(part, "cache_control");
  if (cc == nullptr) {
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

ContentBlock opaque(const json::value& part) {
  ContentBlock b;
  b.type = BlockType::Opaque;
  b.raw = own(part);
  return b;
}

// One element of a user/system/tool `content` array.
Result<ContentBlock> decode_part(const json::value& part_value, const std::string& param) {
  if (!part_value.is_object()) {
    return invalid_type(param, "an object", part_value);
  }
  const json::object& part = part_value.get_object();
  auto type = get_string(part, "type");
  if (!type) {
    return missing(param + ".type");
  }
  ContentBlock b;
  if (*type == "text") {
    auto text = get_string(part, "text");
    if (!text) {
      return missing(param + ".text");
    }
    b.type = BlockType::Text;  // set in place: a block is too large to build twice and move
    b.text = std::string(*text);
  } else if (*type == "image_url") {
    const json::object* image = get_object(part, "image_url");
    auto url = image != nullptr ? get_string(*image, "url") : std::nullopt;
    if (!url) {
      return missing(param + ".image_url.url");
    }
    b.type = BlockType::Image;
    b.source = source_from_url(*url);
    if (const json::value* detail = find(*image, "detail")) {
      b.extra.emplace("detail", *detail);  // OpenAI-only; replayed to this dialect
    }
  } else if (*type == "file") {
    const json::object* file = get_object(part, "file");
    if (file == nullptr) {
      return missing(param + ".file");
    }
    b.type = BlockType::Document;
    if (auto data = get_string(*file, "file_data")) {
      b.source = source_from_url(*data);
      if (b.source.kind == schema::MediaSource::Kind::Base64 && b.source.media_type.empty()) {
        b.source.media_type = "application/pdf";
      }
    } else if (auto id = get_string(*file, "file_id")) {
      b.source.kind = schema::MediaSource::Kind::File;
      b.source.file_id = std::string(*id);
    } else {
      return missing(param + ".file.file_data");
    }
    if (const json::value* filename = find(*file, "filename")) {
      b.extra.emplace("filename", *filename);
    }
  } else {
    // input_audio and newer part types: kept whole for an OpenAI upstream, dropped for others.
    return opaque(part_value);
  }
  b.cache_control = decode_cache_control(part);
  return b;
}

// A `content` that is a string or an array of parts. `allow_refusal`: assistant parts may be
// {type:"refusal"}, which the canonical model carries as text.
Result<std::vector<ContentBlock>> decode_content(const json::value& content,
                                                 const std::string& param, bool allow_refusal) {
  std::vector<ContentBlock> blocks;
  if (content.is_string()) {
    blocks.push_back(ContentBlock::make_text(std::string(content.get_string())));
    return blocks;
  }
  if (!content.is_array()) {
    return invalid_type(param, "one of a string or array of objects", content);
  }
  const json::array& parts = content.get_array();
  blocks.reserve(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string part_param = param + "[" + std::to_string(i) + "]";
    if (allow_refusal && parts[i].is_object()) {
      auto type = get_string(parts[i].get_object(), "type");
      auto refusal = get_string(parts[i].get_object(), "refusal");
      if (type && *type == "refusal" && refusal) {
        blocks.push_back(ContentBlock::make_text(std::string(*refusal)));
        continue;
      }
    }
    auto block = decode_part(parts[i], part_param);
    if (!block) {
      return block.error();
    }
    blocks.push_back(std::move(*block));
  }
  return blocks;
}

Result<Message> decode_assistant(const json::object& m, const std::string& param) {
  Message out;
  out.role = Role::Assistant;
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
  if (const json::value* content = find(m, "content"); content != nullptr && !content->is_null()) {
    auto blocks = decode_content(*content, param + ".content", /*allow_refusal=*/true);
    if (!blocks) {
      return blocks.error();
    }
    out.content_is_string = content->is_string();
    for (ContentBlock& b : *blocks) {
      if (b.type == BlockType::Text && b.text.empty()) {
        continue;  // "" says "no text" (e.g. next to tool_calls); an empty block is invalid
                   // elsewhere
      }
      out.content.push_back(std::move(b));
    }
  } else {
    out.content_is_string = true;
  }
  if (auto refusal = get_string(m, "refusal"); refusal && !refusal->empty()) {
    out.content.push_back(ContentBlock::make_text(std::string(*refusal)));
  }
  if (const json::value* calls = find(m, "tool_calls"); calls != nullptr && !calls->is_null()) {
    if (!calls->is_array()) {
      return invalid_type(param + ".tool_calls", "an array", *calls);
    }
    const json::array& arr = calls->get_array();
    for (size_t i = 0; i < arr.size(); ++i) {
      std::string call_param = param + ".tool_calls[" + std::to_string(i) + "]";
      if (!arr[i].is_object()) {
        return invalid_type(call_param, "an object", arr[i]);
      }
      const json::object& call = arr[i].get_object();
      auto id = get_string(call, "id");
      const json::object* fn = get_object(call, "function");
      auto name = fn != nullptr ? get_string(*fn, "name") : std::nullopt;
      if (!id) {
        return missing(call_param + ".id");
      }
      if (!name) {
        return missing(call_param + ".function.name");
      }
      ContentBlock b;
      b.type = BlockType::ToolUse;
      b.id = std::string(*id);
      b.name = std::string(*name);
      auto arguments = get_string(*fn, "arguments").value_or("");
      if (!parse_arguments(arguments, b.input)) {
        // Kept as {} for other dialects; the original text is replayed verbatim to this one.
        b.extra.emplace("invalid_arguments", arguments);
      }
      out.content.push_back(std::move(b));
    }
  }
  return out;
}

Result<ContentBlock> decode_tool_message(const json::object& m, const std::string& param) {
  auto id = get_string(m, "tool_call_id");
  if (!id) {
    return missing(param + ".tool_call_id");
  }
  ContentBlock b;
  b.type = BlockType::ToolResult;
  b.tool_use_id = std::string(*id);
  const json::value* content = find(m, "content");
  if (content == nullptr || content->is_null()) {
    b.content_is_string = true;
    b.content.push_back(ContentBlock::make_text(""));
    return b;
  }
  auto blocks = decode_content(*content, param + ".content", /*allow_refusal=*/false);
  if (!blocks) {
    return blocks.error();
  }
  b.content = std::move(*blocks);
  b.content_is_string = content->is_string();
  return b;
}

std::optional<Error> decode_messages(const json::array& messages, schema::CanonicalRequest& r) {
  size_t system_messages = 0;
  bool system_all_strings = true;
  // The user turn that tool messages opened: later tool messages and the next user message join it,
  // because Anthropic-shaped turns carry tool_results first and then the user's text (§6.1).
  bool in_tool_turn = false;
  for (size_t i = 0; i < messages.size(); ++i) {
    std::string param = "messages[" + std::to_string(i) + "]";
    if (!messages[i].is_object()) {
      return invalid_type(param, "an object", messages[i]);
    }
    const json::object& m = messages[i].get_object();
    auto role = get_string(m, "role");
    if (!role) {
      return missing(param + ".role");
    }
    const json::value* content = find(m, "content");
    if (*role == "system" || *role == "developer") {
      if (content == nullptr || content->is_null()) {
        return missing(param + ".content");
      }
      auto blocks = decode_content(*content, param + ".content", false);
      if (!blocks) {
        return blocks.error();
      }
      ++system_messages;
      system_all_strings = system_all_strings && content->is_string();
      for (ContentBlock& b : *blocks) {
        r.system.push_back(std::move(b));
      }
    } else if (*role == "user") {
      if (content == nullptr || content->is_null()) {
        return missing(param + ".content");
      }
      auto blocks = decode_content(*content, param + ".content", false);
      if (!blocks) {
        return blocks.error();
      }
      if (in_tool_turn) {
        Message& turn = r.messages.back();
        for (ContentBlock& b : *blocks) {
          turn.content.push_back(std::move(b));
        }
        in_tool_turn = false;
      } else {
        Message msg;
        msg.role = Role::User;
        msg.content = std::move(*blocks);
        msg.content_is_string = content->is_string();
        r.messages.push_back(std::move(msg));
      }
    } else if (*role == "assistant") {
      auto msg = decode_assistant(m, param);
      if (!msg) {
        return msg.error();
      }
      r.messages.push_back(std::move(*msg));
      in_tool_turn = false;
    } else if (*role == "tool") {
      auto block = decode_tool_message(m, param);
      if (!block) {
        return block.error();
      }
      if (!in_tool_turn) {
        Message msg;
        msg.role = Role::User;
        r.messages.push_back(std::move(msg));
        in_tool_turn = true;
      }
      r.messages.back().content.push_back(std::move(*block));
    } else {
      return Error::invalid("Invalid value: '" + std::string(*role) +
                            "'. Supported values are: 'system', 'assistant', 'user', 'tool', and "
                            "'developer'.");
    }
  }
  r.system_is_string = system_messages == 1 && system_all_strings;
  return std::nullopt;
}

std::optional<Error> decode_tools(const json::array& tools, schema::CanonicalRequest& r) {
  for (size_t i = 0; i < tools.size(); ++i) {
    std::string param = "tools[" + std::to_string(i) + "]";
    if (!tools[i].is_object()) {
      return invalid_type(param, "an object", tools[i]);
    }
    const json::object& t = tools[i].get_object();
    auto type = get_string(t, "type").value_or("function");
    if (type != "function") {
      // Custom (free-text) tools and future kinds have no canonical form; they are dropped here
      // rather than sent as something they are not.
      continue;
    }
    const json::object* fn = get_object(t, "function");
    if (fn == nullptr) {
      return missing(param + ".function");
    }
    auto name = get_string(*fn, "name");
    if (!name) {
      return missing(param + ".function.name");
    }
    schema::Tool tool;
    tool.name = std::string(*name);
    tool.description = std::string(get_string(*fn, "description").value_or(""));
    if (const json::value* params = find(*fn, "parameters");
        params != nullptr && params->is_object()) {
      tool.input_schema = own(*params);
    } else {
      // OpenAI allows a function without parameters; Anthropic requires a schema.
      tool.input_schema = json::object{{"type", "object"}, {"properties", json::object{}}};
    }
    if (const json::value* strict = find(*fn, "strict"); strict != nullptr && strict->is_bool()) {
      tool.strict = strict->get_bool();
    }
    r.tools.push_back(std::move(tool));
  }
  return std::nullopt;
}

// "auto" | "none" | "required" | {type:"function",function:{name}}. Other shapes (allowed_tools,
// custom) have no canonical form and are replayed from `extra` to this dialect only.
bool decode_tool_choice(const json::value& v, schema::CanonicalRequest& r) {
  using Kind = schema::ToolChoice::Kind;
  schema::ToolChoice choice;
  if (v.is_string()) {
    std::string_view s = v.get_string();
    if (s == "auto") {
      choice.kind = Kind::Auto;
    } else if (s == "none") {
      choice.kind = Kind::None;
    } else if (s == "required") {
      choice.kind = Kind::Any;
    } else {
      return false;
    }
  } else if (v.is_object()) {
    const json::object* fn = get_object(v.get_object(), "function");
    auto name = fn != nullptr ? get_string(*fn, "name") : std::nullopt;
    if (get_string(v.get_object(), "type").value_or("") != "function" || !name) {
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

std::optional<double> number(const json::value& v) {
  if (v.is_double()) {
    return v.get_double();
  }
  if (v.is_int64()) {
    return static_cast<double>(v.get_int64());
  }
  if (v.is_uint64()) {
    return static_cast<double>(v.get_uint64());
  }
  return std::nullopt;
}

std::optional<uint64_t> count(const json::value& v) {
  if (v.is_uint64()) {
    return v.get_uint64();
  }
  if (v.is_int64() && v.get_int64() >= 0) {
    return static_cast<uint64_t>(v.get_int64());
  }
  return std::nullopt;
}

}  // namespace

Result<schema::CanonicalRequest> decode_request(std::string_view body) {
  unsigned char buffer[16384];
  json::monotonic_resource mr(buffer);
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  if (ec || !root.is_object()) {
    return Error::invalid(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
        "using "
        "your HTTP library correctly. The OpenAI API expects a JSON payload.)");
  }
  const json::object& o = root.get_object();
  schema::CanonicalRequest r;
  r.origin = schema::Dialect::OpenAiChat;
  bool have_messages = false;

  for (const auto& kv : o) {
    std::string_view key = kv.key();
    const json::value& v = kv.value();
    if (key == "model") {
      if (!v.is_string()) {
        return invalid_type("model", "a string", v);
      }
      r.model = std::string(v.get_string());
    } else if (key == "messages") {
      if (!v.is_array()) {
        return invalid_type("messages", "an array of objects", v);
      }
      if (v.get_array().empty()) {
        return Error::invalid("[] is too short - 'messages'");
      }
      if (auto err = decode_messages(v.get_array(), r)) {
        return *err;
      }
      have_messages = true;
    } else if (v.is_null()) {
      // null means "not set" for every optional parameter
    } else if (key == "max_tokens" || key == "max_completion_tokens") {
      auto n = count(v);
      if (!n) {
        return invalid_type(key, "an integer", v);
      }
      // max_completion_tokens wins when both are sent (it is the newer name and the one o-series
      // models accept); which name the caller used is remembered so it is replayed under that name.
      if (key == "max_completion_tokens" || !r.extra.contains("max_completion_tokens")) {
        r.max_tokens = *n;
      }
      if (key == "max_completion_tokens") {
        r.extra.emplace("max_completion_tokens", v);
      }
    } else if (key == "temperature" || key == "top_p") {
      auto d = number(v);
      if (!d) {
        return invalid_type(key, "a decimal", v);
      }
      (key == "temperature" ? r.temperature : r.top_p) = *d;
    } else if (key == "stop") {
      if (v.is_string()) {
        r.stop_sequences.emplace_back(v.get_string());
      } else if (v.is_array()) {
        for (const json::value& s : v.get_array()) {
          if (!s.is_string()) {
            return invalid_type("stop", "an array of strings", v);
          }
          r.stop_sequences.emplace_back(s.get_string());
        }
      } else {
        return invalid_type("stop", "one of a string or array of strings", v);
      }
    } else if (key == "stream") {
      if (!v.is_bool()) {
        return invalid_type("stream", "a boolean", v);
      }
      r.stream = v.get_bool();
    } else if (key == "stream_options") {
      if (v.is_object()) {
        const json::value* iu = find(v.get_object(), "include_usage");
        r.include_usage = iu != nullptr && iu->is_bool() && iu->get_bool();
      }
    } else if (key == "tools") {
      if (!v.is_array()) {
        return invalid_type("tools", "an array of objects", v);
      }
      if (auto err = decode_tools(v.get_array(), r)) {
        return *err;
      }
    } else if (key == "tool_choice") {
      if (!decode_tool_choice(v, r)) {
        r.extra.emplace(key, v);
      }
    } else if (key == "parallel_tool_calls") {
      if (!v.is_bool()) {
        return invalid_type(key, "a boolean", v);
      }
      r.parallel_tool_calls = v.get_bool();
    } else if (key == "reasoning_effort" && v.is_string()) {
      r.reasoning_effort = std::string(v.get_string());
    } else if (key == "user" && v.is_string()) {
      r.user_id = std::string(v.get_string());
    } else if (key == "service_tier" && v.is_string()) {
      r.service_tier = std::string(v.get_string());
    } else if (key == "response_format") {
      r.response_format = own(v);
    } else {
      r.extra.emplace(key, v);
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
