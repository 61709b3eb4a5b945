// Canonical request → OpenAI Chat Completions request body, following anthropic.md §6.1 row by row.
// Deliberate losses (no OpenAI equivalent): cache_control, top_k, thinking signatures and redacted
// thinking, server tools (web_search_*, web_fetch_*, code_execution_* …), citations.
#include "dialects/encoded_size.hpp"
#include "dialects/openai_chat_internal.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace heimdall::dialects::openai_chat {

namespace json = boost::json;
using schema::BlockType;
using schema::ContentBlock;
using schema::MediaSource;

namespace {

// Anthropic-defined client tools have no input_schema on the wire; OpenAI needs one. These are the
// schemas of the tools' documented inputs (Anthropic tool-use docs), kept minimal: the model only
// needs the argument names and types to produce calls the client can execute.
// bash: {command: string, restart?: boolean}
constexpr std::string_view kBashSchema =
    R"({"type":"object","properties":{"command":{"type":"string","description":"The bash command to run."},)"
    R"("restart":{"type":"boolean","description":"Set to true to restart the bash session."}},)"
    R"("required":["command"]})";
// text_editor: {command, path, file_text?, old_str?, new_str?, insert_line?, view_range?}
constexpr std::string_view kTextEditorSchema =
    R"({"type":"object","properties":{"command":{"type":"string","description":"The editor command to run.",)"
    R"("enum":["view","create","str_replace","insert","undo_edit"]},)"
    R"("path":{"type":"string","description":"Absolute path to the file or directory."},)"
    R"("file_text":{"type":"string","description":"create: the content of the new file."},)"
    R"("old_str":{"type":"string","description":"str_replace: the exact text to replace."},)"
    R"("new_str":{"type":"string","description":"str_replace/insert: the new text."},)"
    R"("insert_line":{"type":"integer","description":"insert: the line after which to insert."},)"
    R"("view_range":{"type":"array","description":"view: [start_line, end_line], end -1 for the end.",)"
    R"("items":{"type":"integer"}}},"required":["command","path"]})";
// computer: {action, coordinate?, text?, …}; the action vocabulary depends on the version.
constexpr std::string_view kComputerSchema =
    R"({"type":"object","properties":{"action":{"type":"string",)"
    R"("description":"The action to perform (screenshot, left_click, type, key, …)."},)"
    R"("coordinate":{"type":"array","description":"[x, y] pixel coordinate.","items":{"type":"integer"}},)"
    R"("text":{"type":"string","description":"Text to type or key combination to press."}},)"
    R"("required":["action"]})";
// memory: {command, path, …} like the text editor, on the /memories directory.
constexpr std::string_view kMemorySchema =
    R"({"type":"object","properties":{"command":{"type":"string",)"
    R"("description":"view, create, str_replace, insert, delete or rename."},)"
    R"("path":{"type":"string","description":"Path under /memories."},)"
    R"("file_text":{"type":"string","description":"create: the content of the new file."},)"
    R"("old_str":{"type":"string","description":"str_replace: the exact text to replace."},)"
    R"("new_str":{"type":"string","description":"str_replace/insert: the new text."}},)"
    R"("required":["command"]})";

// The schema text for an Anthropic-defined tool type; empty for a server tool (web_search_*,
// web_fetch_*, code_execution_* …), which has no OpenAI form.
std::string_view synthesized_schema(std::string_view type) {
  if (type.starts_with("bash_")) {
    return kBashSchema;
  }
  if (type.starts_with("text_editor_")) {
    return kTextEditorSchema;
  }
  if (type.starts_with("computer_")) {
    return kComputerSchema;
  }
  if (type.starts_with("memory_")) {
    return kMemorySchema;
  }
  return {};
}

bool is_custom_tool(const schema::Tool& t) {
  return t.type.empty() || t.type == "custom" || t.type == "function";
}

// §6.1 budget table, clamped to "high": the newer xhigh/max buckets are rejected by most models.
std::string_view effort_from_budget(uint64_t budget) {
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

std::string data_url(const MediaSource& src) {
  std::string url;
  url.reserve(src.media_type.size() + src.data.size() + 13);
  url.append("data:").append(src.media_type).append(";base64,").append(src.data);
  return url;
}

// The text of a text document (§6.1: title and context are prepended, citations are lost).
std::string document_text(const ContentBlock& b) {
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
  const schema::BlockDetail& detail = b.detail();
  if (detail.title) {
    add(*detail.title);
  }
  if (detail.context) {
    add(*detail.context);
  }
  if (detail.source.kind == MediaSource::Kind::Content) {
    for (const ContentBlock& inner : b.content) {
      if (inner.type == BlockType::Text) {
        add(inner.text);
      }
    }
  } else {
    add(detail.source.data);
  }
  return text;
}

bool is_text_document(const ContentBlock& b) {
  return b.type == BlockType::Document && (b.detail().source.kind == MediaSource::Kind::Text ||
                                           b.detail().source.kind == MediaSource::Kind::Content);
}

// The request as JSON text, written in one pass in the order OpenAI documents the fields.
class Encoder {
 public:
  Encoder(const schema::CanonicalRequest& request, TranslationContext& ctx, std::string& out)
      : request_(request), ctx_(ctx), w_(out) {}

  void body() {
    w_.begin_object();
    top_key("model");
    w_.string(request_.model);
    messages();
    if (request_.max_tokens) {
      // The engine has already clamped max_tokens to the target's limit; only the name is chosen
      // here.
      const bool completion_name =
          from_openai() && request_.extra.contains("max_completion_tokens");
      top_key(completion_name ? "max_completion_tokens" : "max_tokens");
      w_.uint(*request_.max_tokens);
    }
    // Doubles keep Boost.JSON's spelling (0.7 → 7E-1), which OpenAI has always been sent.
    if (request_.temperature) {
      top_key("temperature");
      w_.value(json::value(*request_.temperature));
    }
    if (request_.top_p) {
      top_key("top_p");
      w_.value(json::value(*request_.top_p));
    }
    // top_k: OpenAI has none (§6.1), dropped.
    if (!request_.stop_sequences.empty()) {
      top_key("stop");
      w_.begin_array();
      // OpenAI accepts at most 4 stop sequences; the first 4 are kept (checklist 20).
      for (size_t i = 0; i < request_.stop_sequences.size() && i < 4; ++i) {
        w_.string(request_.stop_sequences[i]);
      }
      w_.end_array();
    }
    if (request_.stream) {
      top_key("stream");
      w_.boolean(true);
      // Always: without it OpenAI sends no final usage, and the gateway bills from it (§6.1).
      top_key("stream_options");
      w_.raw_json(R"({"include_usage":true})");
    }
    tools();
    if (auto effort = reasoning_effort()) {
      top_key("reasoning_effort");
      w_.string(*effort);
    }
    if (request_.user_id) {
      top_key("user");
      w_.string(*request_.user_id);
    }
    if (request_.service_tier) {
      // Anthropic's "standard_only" is OpenAI's "default"; "auto" is the same word.
      top_key("service_tier");
      w_.string(*request_.service_tier == "standard_only" ? std::string_view("default")
                                                          : *request_.service_tier);
    }
    if (request_.response_format) {
      top_key("response_format");
      response_format(*request_.response_format);
    }
    if (from_openai()) {
      for (const auto& kv : request_.extra) {
        if (kv.key() != "max_completion_tokens" && !written(kv.key())) {
          w_.key(kv.key());
          w_.value(kv.value());
        }
      }
    }
    w_.end_object();
  }

 private:
  bool from_openai() const { return request_.origin == schema::Dialect::OpenAiChat; }

  // A top-level key, remembered so an OpenAI caller's extra of the same name is not written twice.
  void top_key(std::string_view k) {
    written_[written_count_++] = k;
    w_.key(k);
  }
  bool written(std::string_view k) const {
    for (size_t i = 0; i < written_count_; ++i) {
      if (written_[i] == k) {
        return true;
      }
    }
    return false;
  }

  void text_part(std::string_view text) {
    w_.begin_object();
    w_.field("type", "text");
    w_.field("text", text);
    w_.end_object();
  }

  // Whether user_part() writes anything for this block.
  bool has_user_part(const ContentBlock& b) const {
    switch (b.type) {
      case BlockType::Text:
      case BlockType::Document:
        return true;
      case BlockType::Image:
        // File ids are resolved to bytes by the engine before translation.
        return b.detail().source.kind == MediaSource::Kind::Base64 ||
               b.detail().source.kind == MediaSource::Kind::Url;
      case BlockType::Opaque:
        return from_openai() && !b.detail().raw.is_null();
      default:
        // thinking, redacted_thinking: OpenAI has no slot in a user turn; tool blocks are handled
        // by the callers of user_part().
        return false;
    }
  }

  // A user content part; call only when has_user_part() is true.
  void user_part(const ContentBlock& b) {
    switch (b.type) {
      case BlockType::Text:
        text_part(b.text);
        return;
      case BlockType::Image: {
        w_.begin_object();
        w_.field("type", "image_url");
        w_.key("image_url");
        w_.begin_object();
        const MediaSource& src = b.detail().source;
        if (src.kind == MediaSource::Kind::Url) {
          w_.field("url", src.url);
        } else {
          w_.field("url", data_url(src));
        }
        if (const json::value* detail = find(b.detail().extra, "detail");
            detail != nullptr && from_openai()) {
          w_.key("detail");
          w_.value(*detail);
        }
        w_.end_object();
        w_.end_object();
        return;
      }
      case BlockType::Document: {
        const MediaSource& src = b.detail().source;
        if (is_text_document(b)) {
          text_part(document_text(b));
          return;
        }
        if (src.kind == MediaSource::Kind::Url) {
          // A document by URL: OpenAI file parts take bytes or ids only, so the model gets the
          // link.
          text_part("Document: " + src.url);
          return;
        }
        w_.begin_object();
        w_.field("type", "file");
        w_.key("file");
        w_.begin_object();
        if (src.kind == MediaSource::Kind::Base64) {
          // §6.1: a file part, not an image_url data URL, which most OpenAI models reject for PDFs.
          w_.key("filename");
          const json::value* filename = find(b.detail().extra, "filename");
          if (filename != nullptr && from_openai()) {
            w_.value(*filename);
          } else {
            w_.string("document.pdf");
          }
          w_.field("file_data", data_url(src));
        } else {
          w_.field("file_id", src.file_id);
        }
        w_.end_object();
        w_.end_object();
        return;
      }
      case BlockType::Opaque:
        w_.value(b.detail().raw);
        return;
      default:
        return;
    }
  }

  // One {role:"tool"} message per tool_result (§6.1). Images inside it go to `images_` for the
  // user message that follows, since tool messages carry text only on most models.
  void tool_message(const ContentBlock& result) {
    w_.begin_object();
    w_.field("role", "tool");
    w_.field("tool_call_id", result.tool_use_id);
    bool all_text = true;
    std::string text;
    for (const ContentBlock& b : result.content) {
      if (b.type == BlockType::Text) {
        if (!text.empty()) {
          text.push_back('\n');
        }
        text.append(b.text);
      } else if (is_text_document(b)) {
        all_text = false;
        if (!text.empty()) {
          text.push_back('\n');
        }
        text.append(document_text(b));
      } else {
        all_text = false;
        if (has_user_part(b)) {
          images_.push_back(&b);
        }
      }
    }
    w_.key("content");
    if (from_openai() && !result.content_is_string && all_text && !result.content.empty()) {
      // An OpenAI caller's array of text parts goes back as it came.
      w_.begin_array();
      for (const ContentBlock& b : result.content) {
        text_part(b.text);
      }
      w_.end_array();
    } else {
      if (result.is_error) {
        text.insert(0, "[tool error] ");  // OpenAI has no error flag on tool messages
      }
      w_.string(text);
    }
    w_.end_object();
  }

  void user_turn(const schema::Message& m) {
    images_.clear();
    bool had_results = false;
    rest_.clear();
    for (const ContentBlock& b : m.content) {
      if (b.type == BlockType::ToolResult) {
        tool_message(b);
        had_results = true;
      } else {
        rest_.push_back(&b);
      }
    }
    if (!images_.empty()) {
      w_.begin_object();
      w_.field("role", "user");
      w_.key("content");
      w_.begin_array();
      for (const ContentBlock* b : images_) {
        user_part(*b);
      }
      w_.end_array();
      w_.end_object();
    }
    if (had_results && rest_.empty()) {
      return;
    }
    if (rest_.size() == 1 && rest_[0]->type == BlockType::Text &&
        (m.content_is_string || had_results)) {
      w_.begin_object();
      w_.field("role", "user");
      w_.field("content", rest_[0]->text);
      w_.end_object();
      return;
    }
    if (rest_.empty()) {
      w_.begin_object();
      w_.field("role", "user");
      w_.field("content", "");
      w_.end_object();
      return;
    }
    bool any = false;
    for (const ContentBlock* b : rest_) {
      any = any || has_user_part(*b);
    }
    if (!any) {
      return;  // nothing OpenAI can take (e.g. only thinking blocks)
    }
    w_.begin_object();
    w_.field("role", "user");
    w_.key("content");
    w_.begin_array();
    for (const ContentBlock* b : rest_) {
      if (has_user_part(*b)) {
        user_part(*b);
      }
    }
    w_.end_array();
    w_.end_object();
  }

  void tool_call(const ContentBlock& b) {
    w_.begin_object();
    w_.field("id", b.id);
    w_.field("type", "function");
    w_.key("function");
    w_.begin_object();
    w_.field("name", openai_tool_name(b.name, ctx_));
    const json::value* raw = find(b.detail().extra, "invalid_arguments");
    w_.key("arguments");
    if (raw != nullptr && raw->is_string() && from_openai()) {
      w_.value(*raw);
    } else {
      w_.string(b.input);
    }
    w_.end_object();
    w_.end_object();
  }

  void assistant_turn(const schema::Message& m) {
    const AssistantContent c = assistant_content(m.content);
    w_.begin_object();
    w_.field("role", "assistant");
    w_.key("content");
    if (c.text_blocks > 1 && from_openai() && !m.content_is_string) {
      w_.begin_array();
      for (const ContentBlock& b : m.content) {
        if (b.type == BlockType::Text) {
          text_part(b.text);
        }
      }
      w_.end_array();
    } else if (c.text_blocks > 0) {
      write_joined(w_, m.content, BlockType::Text);
    } else if (c.has_calls) {
      w_.null();
    } else {
      w_.string("");
    }
    // Reasoning text goes back only to an OpenAI-dialect caller's own upstream (DeepSeek-style
    // reasoning_content); Claude thinking is never replayed to another family (§6.9).
    if (c.has_reasoning && from_openai()) {
      w_.key("reasoning_content");
      write_joined(w_, m.content, BlockType::Thinking);
    }
    if (c.has_calls) {
      w_.key("tool_calls");
      w_.begin_array();
      for (const ContentBlock& b : m.content) {
        if (b.type == BlockType::ToolUse) {
          tool_call(b);
        }
      }
      w_.end_array();
    }
    w_.end_object();
  }

  void messages() {
    top_key("messages");
    w_.begin_array();
    if (!request_.system.empty()) {
      w_.begin_object();
      w_.field("role", "system");
      w_.key("content");
      std::string system;
      for (const ContentBlock& b : request_.system) {
        if (b.type != BlockType::Text) {
          continue;
        }
        if (!system.empty()) {
          system.append("\n\n");
        }
        system.append(b.text);
      }
      w_.string(system);
      w_.end_object();
    }
    for (const schema::Message& m : request_.messages) {
      if (m.role == schema::Role::User) {
        user_turn(m);
      } else {
        assistant_turn(m);
      }
    }
    w_.end_array();
  }

  void tools() {
    bool any = false;
    for (const schema::Tool& t : request_.tools) {
      any = any || is_custom_tool(t) || !synthesized_schema(t.type).empty();
    }
    // tool_choice and parallel_tool_calls are rejected by OpenAI without tools.
    if (!any) {
      return;
    }
    top_key("tools");
    w_.begin_array();
    for (const schema::Tool& t : request_.tools) {
      const bool custom = is_custom_tool(t);
      const std::string_view schema = custom ? std::string_view{} : synthesized_schema(t.type);
      if (!custom && schema.empty()) {
        // Server tools run on Anthropic's side and their results have no OpenAI rendering; they
        // are dropped rather than failing the request (§6.1, §9.4 leaves this to us).
        continue;
      }
      w_.begin_object();
      w_.field("type", "function");
      w_.key("function");
      w_.begin_object();
      w_.field("name", openai_tool_name(t.name, ctx_));
      if (!t.description.empty()) {
        w_.field("description", t.description);
      }
      w_.key("parameters");
      if (custom) {
        w_.raw_json(t.input_schema);
      } else {
        w_.raw_json(schema);
      }
      if (t.strict) {
        w_.field_bool("strict", *t.strict);
      }
      w_.end_object();
      w_.end_object();
    }
    w_.end_array();
    if (request_.tool_choice) {
      top_key("tool_choice");
      tool_choice(*request_.tool_choice);
    }
    const bool parallel_off =
        request_.tool_choice && request_.tool_choice->disable_parallel_tool_use;
    if (parallel_off || (request_.parallel_tool_calls && !*request_.parallel_tool_calls)) {
      top_key("parallel_tool_calls");
      w_.boolean(false);
    } else if (request_.parallel_tool_calls) {
      top_key("parallel_tool_calls");
      w_.boolean(true);
    }
  }

  void tool_choice(const schema::ToolChoice& choice) {
    using Kind = schema::ToolChoice::Kind;
    switch (choice.kind) {
      case Kind::Auto:
        w_.string("auto");
        return;
      case Kind::Any:
        w_.string("required");
        return;
      case Kind::None:
        w_.string("none");
        return;
      case Kind::Tool:
        w_.begin_object();
        w_.field("type", "function");
        w_.key("function");
        w_.begin_object();
        w_.field("name", openai_tool_name(choice.name, ctx_));
        w_.end_object();
        w_.end_object();
        return;
    }
    w_.string("auto");
  }

  std::optional<std::string_view> reasoning_effort() const {
    if (request_.thinking) {
      switch (request_.thinking->kind) {
        case schema::Thinking::Kind::Enabled:
          return effort_from_budget(request_.thinking->budget_tokens);
        case schema::Thinking::Kind::Disabled:
          return std::nullopt;
        case schema::Thinking::Kind::Adaptive:
          break;
      }
    }
    if (!request_.reasoning_effort) {
      return std::nullopt;
    }
    const std::string& effort = *request_.reasoning_effort;
    if (!from_openai() && (effort == "max" || effort == "xhigh")) {
      return "high";
    }
    return effort;
  }

  // Anthropic's output format {type:"json_schema", schema} becomes OpenAI's
  // {type:"json_schema", json_schema:{name, schema, strict:true}}; OpenAI shapes pass as they are.
  void response_format(const json::value& format) {
    const json::object* f = format.if_object();
    const json::value* schema = f != nullptr ? find(*f, "schema") : nullptr;
    if (f == nullptr || get_string(*f, "type").value_or("") != "json_schema" ||
        find(*f, "json_schema") != nullptr || schema == nullptr) {
      w_.value(format);
      return;
    }
    w_.begin_object();
    w_.field("type", "json_schema");
    w_.key("json_schema");
    w_.begin_object();
    w_.field("name", "response");
    w_.key("schema");
    w_.value(*schema);
    w_.field_bool("strict", true);
    w_.end_object();
    w_.end_object();
  }

  const schema::CanonicalRequest& request_;
  TranslationContext& ctx_;
  JsonWriter w_;
  // Top-level keys written so far; body() writes at most 16.
  std::array<std::string_view, 16> written_{};
  size_t written_count_ = 0;
  // Reused across turns: the image parts of a user turn's tool results and its other blocks.
  std::vector<const ContentBlock*> images_;
  std::vector<const ContentBlock*> rest_;
};

}  // namespace

std::string encode_request(const schema::CanonicalRequest& request, TranslationContext& ctx) {
  std::string out;
  out.reserve(encoded_size_hint(request));
  Encoder(request, ctx, out).body();
  return out;
}

}  // namespace heimdall::dialects::openai_chat
