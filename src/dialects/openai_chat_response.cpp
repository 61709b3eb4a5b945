// OpenAI chat.completion body ↔ canonical response (anthropic.md §6.2 and its reverse for OpenAI
// callers of other providers).
#include "dialects/encoded_size.hpp"
#include "dialects/openai_chat_internal.hpp"

#include <charconv>
#include <chrono>
#include <iterator>
#include <string>
#include <utility>

namespace heimdall::dialects::openai_chat {

namespace json = boost::json;
namespace dom = simdjson::dom;
using schema::BlockType;
using schema::ContentBlock;
using schema::Error;
using schema::Result;

namespace {

// An integer's JSON text, as Boost.JSON writes it; empty for other values.
std::string integer_text(dom::element v) {
  char digits[24];
  char* end = digits;
  if (v.type() == dom::element_type::INT64) {
    end = std::to_chars(digits, std::end(digits), v.get_int64().value_unsafe()).ptr;
  } else if (v.type() == dom::element_type::UINT64) {
    end = std::to_chars(digits, std::end(digits), v.get_uint64().value_unsafe()).ptr;
  }
  return std::string(digits, end);
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<schema::CanonicalResponse> decode_response(std::string_view body,
                                                  const TranslationContext& ctx) {
  // Boost.JSON's default nesting limit, which this decoder had before it parsed with simdjson.
  constexpr size_t kMaxDepth = 32;
  const JsonDocument doc(body, kMaxDepth);
  dom::object root;
  if (!doc.root() || doc.root()->get_object().get(root) != simdjson::SUCCESS) {
    return Error::make(schema::ErrorCode::BadGateway, "upstream returned an invalid JSON response");
  }
  const Members o(root);
  if (const auto err = find(o, "error"); err && !err->is_null()) {
    // Some OpenAI-compatible servers answer 200 with an error body.
    return decode_error(502, body);
  }
  schema::CanonicalResponse r;
  r.id = message_id_from_openai(get_string(o, "id").value_or(""));
  r.model = !ctx.requested_model.empty() ? ctx.requested_model
                                         : std::string(get_string(o, "model").value_or(""));
  // Kept so that an OpenAI caller sees them again; the encoder writes only these kinds.
  if (const auto created = find(o, "created")) {
    r.created = integer_text(*created);
  }
  if (auto fingerprint = get_string(o, "system_fingerprint")) {
    r.system_fingerprint = std::string(*fingerprint);
  }
  if (auto tier = get_string(o, "service_tier")) {
    r.service_tier = std::string(*tier);
  }
  if (const auto usage = get_object(o, "usage")) {
    r.usage = usage_from_openai(*usage);
  }

  const auto choices = get_array(o, "choices");
  dom::object choice_object;
  const bool has_choice = choices && choices->begin() != choices->end() &&
                          (*choices->begin()).get_object().get(choice_object) == simdjson::SUCCESS;
  const std::optional<Members> choice =
      has_choice ? std::optional<Members>(std::in_place, choice_object) : std::nullopt;
  const auto message_object = choice ? get_object(*choice, "message") : std::nullopt;
  if (!message_object) {
    return Error::make(schema::ErrorCode::BadGateway, "upstream response has no choices");
  }
  const Members message(*message_object);

  const auto calls = get_array(message, "tool_calls");
  // Reasoning, text, refusal and the calls: blocks are large, growing the vector moves them.
  r.content.reserve(3 + (calls ? calls->size() : 0));
  // §6.2: reasoning first (unsigned: no OpenAI model signs it), then text, then tool calls.
  for (std::string_view key : {"reasoning_content", "reasoning"}) {
    auto reasoning = get_string(message, key);
    if (reasoning && !reasoning->empty()) {
      ContentBlock& b = r.content.emplace_back();
      b.type = BlockType::Thinking;
      b.text = std::string(*reasoning);
      break;
    }
  }
  if (auto content = get_string(message, "content"); content && !content->empty()) {
    schema::append_text(r.content, *content);
  }
  bool refused = false;
  if (auto refusal = get_string(message, "refusal"); refusal && !refusal->empty()) {
    schema::append_text(r.content, *refusal);
    refused = true;
  }
  bool has_tool_calls = false;
  if (calls) {
    for (const dom::element call_value : *calls) {
      dom::object call_object;
      if (call_value.get_object().get(call_object) != simdjson::SUCCESS) {
        continue;
      }
      const Members call(call_object);
      const auto fn_object = get_object(call, "function");
      if (!fn_object) {
        continue;
      }
      const Members fn(*fn_object);
      ContentBlock& b = r.content.emplace_back();
      b.type = BlockType::ToolUse;
      b.id = std::string(get_string(call, "id").value_or(""));
      b.name = restore_tool_name(get_string(fn, "name").value_or(""), ctx);
      auto arguments = get_string(fn, "arguments").value_or("");
      if (!parse_arguments(arguments, b.input)) {
        b.mutable_detail().extra.emplace("invalid_arguments", arguments);
      }
      has_tool_calls = true;
    }
  }
  auto finish = get_string(*choice, "finish_reason").value_or("");
  r.stop_reason =
      refused ? schema::StopReason::Refusal : stop_reason_from_finish(finish, has_tool_calls);
  return r;
}

std::string encode_response(const schema::CanonicalResponse& response) {
  const AssistantContent c = assistant_content(response.content);
  std::string body;
  body.reserve(encoded_size_hint(response));
  JsonWriter w(body);
  w.begin_object();
  w.field("id", openai_id_from_message(response.id));
  w.field("object", "chat.completion");
  w.key("created");
  // Another dialect's leftovers of the same names (in `extra`) are echoed as well.
  const json::value* created = find(response.extra, "created");
  if (!response.created.empty()) {
    w.raw_json(response.created);
  } else if (created != nullptr && (created->is_int64() || created->is_uint64())) {
    w.value(*created);
  } else {
    w.value(json::value(unix_now()));
  }
  w.field("model", response.model);
  w.key("choices");
  w.begin_array();
  w.begin_object();
  w.field_uint("index", 0);
  w.key("message");
  w.begin_object();
  w.field("role", "assistant");
  w.key("content");
  if (c.text_blocks > 0) {
    write_joined(w, response.content, BlockType::Text);
  } else {
    w.null();
  }
  // Not in OpenAI's schema, but the field DeepSeek-style servers use and OpenAI clients ignore: it
  // keeps another family's reasoning visible to callers that read it (same word as the stream).
  if (c.has_reasoning) {
    w.key("reasoning_content");
    write_joined(w, response.content, BlockType::Thinking);
  }
  if (c.has_calls) {
    w.key("tool_calls");
    w.begin_array();
    for (const ContentBlock& b : response.content) {
      if (b.type != BlockType::ToolUse) {
        continue;
      }
      w.begin_object();
      w.field("id", b.id);
      w.field("type", "function");
      w.key("function");
      w.begin_object();
      w.field("name", b.name);
      w.field("arguments", b.input);
      w.end_object();
      w.end_object();
    }
    w.end_array();
  }
  w.key("refusal");
  w.null();
  w.end_object();
  w.key("logprobs");
  w.null();
  w.field("finish_reason", finish_reason_from_stop(response.stop_reason));
  w.end_object();
  w.end_array();
  w.key("usage");
  write_usage(w, response.usage);
  const std::pair<std::string_view, const std::optional<std::string>&> kept[] = {
      {"system_fingerprint", response.system_fingerprint}, {"service_tier", response.service_tier}};
  for (const auto& [key, typed] : kept) {
    if (typed) {
      w.key(key);
      w.string(*typed);
    } else if (const json::value* v = find(response.extra, key); v != nullptr && v->is_string()) {
      w.key(key);
      w.value(*v);
    }
  }
  w.end_object();
  return body;
}

}  // namespace heimdall::dialects::openai_chat
