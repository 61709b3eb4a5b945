// Canonical request → OpenAI Chat Completions request body, following anthropic.md §6.1 row by row.
// Deliberate losses (no OpenAI equivalent): cache_control, top_k, thinking signatures and redacted
// thinking, server tools (web_search_*, web_fetch_*, code_execution_* …), citations.
#include "dialects/openai_chat_internal.hpp"

#include <boost/json/monotonic_resource.hpp>

#include <string>
#include <vector>

namespace heimdall::dialects::openai_chat {

namespace json = boost::json;
using schema::BlockType;
using schema::ContentBlock;
using schema::MediaSource;

namespace {

// Everything one encoding needs: the arena every JSON node lives in, the request (for its origin)
// and the context that records tool-name rewrites.
struct Encoder {
  json::storage_ptr sp;
  const schema::CanonicalRequest& request;
  TranslationContext& ctx;

  bool from_openai() const { return request.origin == schema::Dialect::OpenAiChat; }

  // Sized up front: Boost.JSON grows an object one slot at a time at first (0, 1, 2, 3, 4, 6…),
  // and in the arena every regrowth is a fresh allocation.
  json::object object(std::size_t capacity) const { return json::object(capacity, sp); }
  json::array array() const { return json::array(sp); }

  json::object text_part(std::string_view text) const {
    json::object part = object(2);
    part["type"] = "text";
    part["text"] = text;
    return part;
  }

  static std::string data_url(const MediaSource& src) {
    std::string url;
    url.reserve(src.media_type.size() + src.data.size() + 13);
    url.append("data:").append(src.media_type).append(";base64,").append(src.data);
    return url;
  }

  // The text of a text document (§6.1: title and context are prepended, citations are lost).
  static std::string document_text(const ContentBlock& b) {
    std::string text;
    auto add = [&text](std::string_view piece) {
      if (piece.empty()) {
        return;
      }
      if (!text.empty()) {
        text.append("\n\n");
      }
      text.append(piece);
    };
    if (b.title) {
      add(*b.title);
    }
    if (b.context) {
      add(*b.context);
    }
    if (b.source.kind == MediaSource::Kind::Content) {
      for (const ContentBlock& inner : b.content) {
        if (inner.type == BlockType::Text) {
          add(inner.text);
        }
      }
    } else {
      add(b.source.data);
    }
    return text;
  }

  // A user content part, or null when the block has no OpenAI form.
  json::value user_part(const ContentBlock& b) const {
    switch (b.type) {
      case BlockType::Text:
        return text_part(b.text);
      case BlockType::Image: {
        if (b.source.kind != MediaSource::Kind::Base64 && b.source.kind != MediaSource::Kind::Url) {
          return nullptr;  // file ids are resolved to bytes by the engine before translation
        }
        json::object image = object(2);
        image["url"] = b.source.kind == MediaSource::Kind::Url ? b.source.url : data_url(b.source);
        if (const json::value* detail = find(b.extra, "detail");
            detail != nullptr && from_openai()) {
          image["detail"] = *detail;
        }
        json::object part = object(2);
        part["type"] = "image_url";
        part["image_url"] = std::move(image);
        return part;
      }
      case BlockType::Document: {
        const MediaSource& src = b.source;
        if (src.kind == MediaSource::Kind::Text || src.kind == MediaSource::Kind::Content) {
          return text_part(document_text(b));
        }
        json::object file = object(2);
        if (src.kind == MediaSource::Kind::Base64) {
          // §6.1: a file part, not an image_url data URL, which most OpenAI models reject for PDFs.
          const json::value* filename = find(b.extra, "filename");
          if (filename != nullptr && from_openai()) {
            file["filename"] = *filename;
          } else {
            file["filename"] = "document.pdf";
          }
          file["file_data"] = data_url(src);
        } else if (src.kind == MediaSource::Kind::File) {
          file["file_id"] = src.file_id;
        } else {
          // A document by URL: OpenAI file parts take bytes or ids only, so the model gets the
          // link.
          return text_part("Document: " + src.url);
        }
        json::object part = object(2);
        part["type"] = "file";
        part["file"] = std::move(file);
        return part;
      }
      case BlockType::Opaque:
        return from_openai() ? json::value(b.raw, sp) : json::value(nullptr);
      default:
        // thinking, redacted_thinking: OpenAI has no slot in a user turn; tool blocks are handled
        // by the caller of this function.
        return nullptr;
    }
  }

  // One {role:"tool"} message per tool_result (§6.1). Images inside it go to `images` for the
  // user message that follows, since tool messages carry text only on most models.
  json::object tool_message(const ContentBlock& result, json::array& images) const {
    json::object msg = object(3);
    msg["role"] = "tool";
    msg["tool_call_id"] = result.tool_use_id;
    bool all_text = true;
    std::string text;
    for (const ContentBlock& b : result.content) {
      if (b.type == BlockType::Text) {
        if (!text.empty()) {
          text.push_back('\n');
        }
        text.append(b.text);
      } else if (b.type == BlockType::Document && (b.source.kind == MediaSource::Kind::Text ||
                                                   b.source.kind == MediaSource::Kind::Content)) {
        all_text = false;
        if (!text.empty()) {
          text.push_back('\n');
        }
        text.append(document_text(b));
      } else {
        all_text = false;
        json::value part = user_part(b);
        if (!part.is_null()) {
          images.push_back(std::move(part));
        }
      }
    }
    if (from_openai() && !result.content_is_string && all_text && !result.content.empty()) {
      // An OpenAI caller's array of text parts goes back as it came.
      json::array parts = array();
      for (const ContentBlock& b : result.content) {
        parts.push_back(text_part(b.text));
      }
      msg["content"] = std::move(parts);
      return msg;
    }
    if (result.is_error) {
      text.insert(0, "[tool error] ");  // OpenAI has no error flag on tool messages
    }
    msg["content"] = std::move(text);
    return msg;
  }

  void user_turn(const schema::Message& m, json::array& out) const {
    json::array images = array();
    bool had_results = false;
    std::vector<const ContentBlock*> rest;
    rest.reserve(m.content.size());
    for (const ContentBlock& b : m.content) {
      if (b.type == BlockType::ToolResult) {
        out.push_back(tool_message(b, images));
        had_results = true;
      } else {
        rest.push_back(&b);
      }
    }
    if (!images.empty()) {
      json::object msg = object(2);
      msg["role"] = "user";
      msg["content"] = std::move(images);
      out.push_back(std::move(msg));
    }
    if (had_results && rest.empty()) {
      return;
    }
    json::object msg = object(2);
    msg["role"] = "user";
    if (rest.size() == 1 && rest[0]->type == BlockType::Text &&
        (m.content_is_string || had_results)) {
      msg["content"] = rest[0]->text;
    } else if (rest.empty()) {
      msg["content"] = "";
    } else {
      json::array parts = array();
      for (const ContentBlock* b : rest) {
        json::value part = user_part(*b);
        if (!part.is_null()) {
          parts.push_back(std::move(part));
        }
      }
      if (parts.empty()) {
        return;  // nothing OpenAI can take (e.g. only thinking blocks)
      }
      msg["content"] = std::move(parts);
    }
    out.push_back(std::move(msg));
  }

  void assistant_turn(const schema::Message& m, json::array& out) const {
    json::object msg = object(4);
    msg["role"] = "assistant";
    std::string text;
    std::string reasoning;
    size_t text_blocks = 0;
    json::array calls = array();
    for (const ContentBlock& b : m.content) {
      if (b.type == BlockType::Text) {
        text.append(b.text);
        ++text_blocks;
      } else if (b.type == BlockType::Thinking) {
        reasoning.append(b.text);
      } else if (b.type == BlockType::ToolUse) {
        json::object fn = object(2);
        fn["name"] = openai_tool_name(b.name, ctx);
        const json::value* raw = find(b.extra, "invalid_arguments");
        if (raw != nullptr && raw->is_string() && from_openai()) {
          fn["arguments"] = *raw;
        } else {
          std::string arguments;
          append_json_value(arguments, b.input);
          fn["arguments"] = arguments;
        }
        json::object call = object(3);
        call["id"] = b.id;
        call["type"] = "function";
        call["function"] = std::move(fn);
        calls.push_back(std::move(call));
      }
      // redacted_thinking and opaque blocks: no OpenAI form (§6.1), dropped.
    }
    if (text_blocks > 1 && from_openai() && !m.content_is_string) {
      json::array parts = array();
      for (const ContentBlock& b : m.content) {
        if (b.type == BlockType::Text) {
          parts.push_back(text_part(b.text));
        }
      }
      msg["content"] = std::move(parts);
    } else if (text_blocks > 0) {
      msg["content"] = std::move(text);
    } else if (!calls.empty()) {
      msg["content"] = nullptr;
    } else {
      msg["content"] = "";
    }
    // Reasoning text goes back only to an OpenAI-dialect caller's own upstream (DeepSeek-style
    // reasoning_content); Claude thinking is never replayed to another family (§6.9).
    if (!reasoning.empty() && from_openai()) {
      msg["reasoning_content"] = std::move(reasoning);
    }
    if (!calls.empty()) {
      msg["tool_calls"] = std::move(calls);
    }
    out.push_back(std::move(msg));
  }

  json::array messages() const {
    json::array out = array();
    out.reserve(request.messages.size() + 1);
    if (!request.system.empty()) {
      std::string system;
      for (const ContentBlock& b : request.system) {
        if (b.type != BlockType::Text) {
          continue;
        }
        if (!system.empty()) {
          system.append("\n\n");
        }
        system.append(b.text);
      }
      json::object msg = object(2);
      msg["role"] = "system";
      msg["content"] = std::move(system);
      out.push_back(std::move(msg));
    }
    for (const schema::Message& m : request.messages) {
      if (m.role == schema::Role::User) {
        user_turn(m, out);
      } else {
        assistant_turn(m, out);
      }
    }
    return out;
  }

  // Anthropic-defined client tools have no input_schema on the wire; OpenAI needs one. These are
  // the schemas of the tools' documented inputs (Anthropic tool-use docs), kept minimal: the model
  // only needs the argument names and types to produce calls the client can execute.
  json::value synthesized_schema(std::string_view type) const {
    auto prop = [this](std::string_view t, std::string_view description) {
      json::object p = object(3);
      p["type"] = t;
      if (!description.empty()) {
        p["description"] = description;
      }
      return p;
    };
    json::object props = object(7);
    json::array required = array();
    if (type.substr(0, 5) == "bash_") {
      // bash: {command: string, restart?: boolean}
      props["command"] = prop("string", "The bash command to run.");
      props["restart"] = prop("boolean", "Set to true to restart the bash session.");
      required.push_back("command");
    } else if (type.substr(0, 12) == "text_editor_") {
      // text_editor: {command, path, file_text?, old_str?, new_str?, insert_line?, view_range?}
      json::object command = prop("string", "The editor command to run.");
      json::array commands = array();
      for (std::string_view c : {"view", "create", "str_replace", "insert", "undo_edit"}) {
        commands.push_back(json::value(c, sp));
      }
      command["enum"] = std::move(commands);
      props["command"] = std::move(command);
      props["path"] = prop("string", "Absolute path to the file or directory.");
      props["file_text"] = prop("string", "create: the content of the new file.");
      props["old_str"] = prop("string", "str_replace: the exact text to replace.");
      props["new_str"] = prop("string", "str_replace/insert: the new text.");
      props["insert_line"] = prop("integer", "insert: the line after which to insert.");
      json::object range = prop("array", "view: [start_line, end_line], end -1 for the end.");
      range["items"] = json::object({{"type", "integer"}}, sp);
      props["view_range"] = std::move(range);
      required.push_back("command");
      required.push_back("path");
    } else if (type.substr(0, 9) == "computer_") {
      // computer: {action, coordinate?, text?, …}; the action vocabulary depends on the version.
      props["action"] =
          prop("string", "The action to perform (screenshot, left_click, type, key, …).");
      json::object coordinate = prop("array", "[x, y] pixel coordinate.");
      coordinate["items"] = json::object({{"type", "integer"}}, sp);
      props["coordinate"] = std::move(coordinate);
      props["text"] = prop("string", "Text to type or key combination to press.");
      required.push_back("action");
    } else if (type.substr(0, 7) == "memory_") {
      // memory: {command, path, …} like the text editor, on the /memories directory.
      props["command"] = prop("string", "view, create, str_replace, insert, delete or rename.");
      props["path"] = prop("string", "Path under /memories.");
      props["file_text"] = prop("string", "create: the content of the new file.");
      props["old_str"] = prop("string", "str_replace: the exact text to replace.");
      props["new_str"] = prop("string", "str_replace/insert: the new text.");
      required.push_back("command");
    } else {
      return nullptr;  // a server tool (web_search_*, web_fetch_*, code_execution_* …)
    }
    json::object schema = object(3);
    schema["type"] = "object";
    schema["properties"] = std::move(props);
    schema["required"] = std::move(required);
    return schema;
  }

  json::array tools() const {
    json::array out = array();
    for (const schema::Tool& t : request.tools) {
      json::object fn = object(4);
      fn["name"] = openai_tool_name(t.name, ctx);
      if (t.type.empty() || t.type == "custom" || t.type == "function") {
        if (!t.description.empty()) {
          fn["description"] = t.description;
        }
        fn["parameters"] = t.input_schema;
      } else {
        json::value schema = synthesized_schema(t.type);
        if (schema.is_null()) {
          // Server tools run on Anthropic's side and their results have no OpenAI rendering;
          // they are dropped rather than failing the request (§6.1, §9.4 leaves this to us).
          continue;
        }
        if (!t.description.empty()) {
          fn["description"] = t.description;
        }
        fn["parameters"] = std::move(schema);
      }
      if (t.strict) {
        fn["strict"] = *t.strict;
      }
      json::object tool = object(2);
      tool["type"] = "function";
      tool["function"] = std::move(fn);
      out.push_back(std::move(tool));
    }
    return out;
  }

  json::value tool_choice(const schema::ToolChoice& choice) const {
    using Kind = schema::ToolChoice::Kind;
    switch (choice.kind) {
      case Kind::Auto:
        return json::value("auto", sp);
      case Kind::Any:
        return json::value("required", sp);
      case Kind::None:
        return json::value("none", sp);
      case Kind::Tool: {
        json::object fn = object(1);
        fn["name"] = openai_tool_name(choice.name, ctx);
        json::object out = object(2);
        out["type"] = "function";
        out["function"] = std::move(fn);
        return out;
      }
    }
    return json::value("auto", sp);
  }

  // §6.1 budget table, clamped to "high": the newer xhigh/max buckets are rejected by most models.
  static std::string_view effort_from_budget(uint64_t budget) {
    if (budget < 1024) {
      return "minimal";
    }
    if (budget < 2048) {
      return "low";
    }
    if (budget < 4096) {
      return "medium";
    }
    return "high";
  }

  std::optional<std::string> reasoning_effort() const {
    if (request.thinking) {
      switch (request.thinking->kind) {
        case schema::Thinking::Kind::Enabled:
          return std::string(effort_from_budget(request.thinking->budget_tokens));
        case schema::Thinking::Kind::Disabled:
          return std::nullopt;
        case schema::Thinking::Kind::Adaptive:
          break;
      }
    }
    if (!request.reasoning_effort) {
      return std::nullopt;
    }
    const std::string& effort = *request.reasoning_effort;
    if (!from_openai() && (effort == "max" || effort == "xhigh")) {
      return std::string("high");
    }
    return effort;
  }

  // Anthropic's output format {type:"json_schema", schema} becomes OpenAI's
  // {type:"json_schema", json_schema:{name, schema, strict:true}}; OpenAI shapes pass as they are.
  json::value response_format(const json::value& format) const {
    if (!format.is_object()) {
      return json::value(format, sp);
    }
    const json::object& f = format.get_object();
    const json::value* schema = find(f, "schema");
    if (get_string(f, "type").value_or("") != "json_schema" || find(f, "json_schema") != nullptr ||
        schema == nullptr) {
      return json::value(format, sp);
    }
    json::object js = object(3);
    js["name"] = "response";
    js["schema"] = *schema;
    js["strict"] = true;
    json::object out = object(2);
    out["type"] = "json_schema";
    out["json_schema"] = std::move(js);
    return out;
  }

  json::object body() const {
    json::object b = object(0);
    b.reserve(16 + (from_openai() ? request.extra.size() : 0));
    b["model"] = request.model;
    b["messages"] = messages();
    if (request.max_tokens) {
      // The engine has already clamped max_tokens to the target's limit; only the name is chosen
      // here.
      bool completion_name = from_openai() && request.extra.contains("max_completion_tokens");
      b[completion_name ? "max_completion_tokens" : "max_tokens"] = *request.max_tokens;
    }
    if (request.temperature) {
      b["temperature"] = *request.temperature;
    }
    if (request.top_p) {
      b["top_p"] = *request.top_p;
    }
    // top_k: OpenAI has none (§6.1), dropped.
    if (!request.stop_sequences.empty()) {
      json::array stop = array();
      // OpenAI accepts at most 4 stop sequences; the first 4 are kept (checklist 20).
      for (size_t i = 0; i < request.stop_sequences.size() && i < 4; ++i) {
        stop.push_back(json::value(request.stop_sequences[i], sp));
      }
      b["stop"] = std::move(stop);
    }
    if (request.stream) {
      b["stream"] = true;
      // Always: without it OpenAI sends no final usage, and the gateway bills from it (§6.1).
      b["stream_options"] = json::object({{"include_usage", true}}, sp);
    }
    json::array tool_list = tools();
    if (!tool_list.empty()) {
      b["tools"] = std::move(tool_list);
      // tool_choice and parallel_tool_calls are rejected by OpenAI without tools.
      if (request.tool_choice) {
        b["tool_choice"] = tool_choice(*request.tool_choice);
      }
      bool parallel_off = request.tool_choice && request.tool_choice->disable_parallel_tool_use;
      if (parallel_off || (request.parallel_tool_calls && !*request.parallel_tool_calls)) {
        b["parallel_tool_calls"] = false;
      } else if (request.parallel_tool_calls) {
        b["parallel_tool_calls"] = true;
      }
    }
    if (auto effort = reasoning_effort()) {
      b["reasoning_effort"] = *effort;
    }
    if (request.user_id) {
      b["user"] = *request.user_id;
    }
    if (request.service_tier) {
      // Anthropic's "standard_only" is OpenAI's "default"; "auto" is the same word.
      b["service_tier"] =
          *request.service_tier == "standard_only" ? "default" : *request.service_tier;
    }
    if (request.response_format) {
      b["response_format"] = response_format(*request.response_format);
    }
    if (from_openai()) {
      for (const auto& kv : request.extra) {
        if (kv.key() != "max_completion_tokens" && !b.contains(kv.key())) {
          b[kv.key()] = kv.value();
        }
      }
    }
    return b;
  }
};

}  // namespace

std::string encode_request(const schema::CanonicalRequest& request, TranslationContext& ctx) {
  unsigned char buffer[16384];
  json::monotonic_resource mr(buffer);
  Encoder encoder{json::storage_ptr(&mr), request, ctx};
  const json::value body(encoder.body());
  std::string out;
  out.reserve(4096);
  append_json_value(out, body);
  return out;
}

}  // namespace heimdall::dialects::openai_chat
