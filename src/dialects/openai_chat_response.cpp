// OpenAI chat.completion body ↔ canonical response (anthropic.md §6.2 and its reverse for OpenAI
// callers of other providers).
#include "dialects/openai_chat_internal.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <string>

namespace heimdall::dialects::openai_chat {

namespace json = boost::json;
using schema::BlockType;
using schema::ContentBlock;
using schema::Error;
using schema::Result;

namespace {

// Top-level fields of a chat.completion that other dialects have no slot for, kept in `extra` so an
// OpenAI caller sees them again.
constexpr std::string_view kKeptFields[] = {"created", "system_fingerprint", "service_tier"};

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<schema::CanonicalResponse> decode_response(std::string_view body,
                                                  const TranslationContext& ctx) {
  unsigned char buffer[16384];
  json::monotonic_resource mr(buffer);
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  if (ec || !root.is_object()) {
    return Error::make(schema::ErrorCode::BadGateway, "upstream returned an invalid JSON response");
  }
  const json::object& o = root.get_object();
  if (const json::value* err = find(o, "error"); err != nullptr && !err->is_null()) {
    // Some OpenAI-compatible servers answer 200 with an error body.
    return decode_error(502, body);
  }
  schema::CanonicalResponse r;
  r.id = message_id_from_openai(get_string(o, "id").value_or(""));
  r.model = !ctx.requested_model.empty() ? ctx.requested_model
                                         : std::string(get_string(o, "model").value_or(""));
  for (std::string_view key : kKeptFields) {
    if (const json::value* v = find(o, key); v != nullptr && !v->is_null()) {
      r.extra.emplace(key, *v);
    }
  }
  if (const json::object* usage = get_object(o, "usage")) {
    r.usage = usage_from_openai(*usage);
  }

  const json::array* choices = get_array(o, "choices");
  const json::object* choice =
      choices != nullptr && !choices->empty() && choices->front().is_object()
          ? &choices->front().get_object()
          : nullptr;
  const json::object* message = choice != nullptr ? get_object(*choice, "message") : nullptr;
  if (message == nullptr) {
    return Error::make(schema::ErrorCode::BadGateway, "upstream response has no choices");
  }

  // §6.2: reasoning first (unsigned: no OpenAI model signs it), then text, then tool calls.
  for (std::string_view key : {"reasoning_content", "reasoning"}) {
    auto reasoning = get_string(*message, key);
    if (reasoning && !reasoning->empty()) {
      ContentBlock b;
      b.type = BlockType::Thinking;
      b.text = std::string(*reasoning);
      r.content.push_back(std::move(b));
      break;
    }
  }
  if (auto content = get_string(*message, "content"); content && !content->empty()) {
    r.content.push_back(ContentBlock::make_text(std::string(*content)));
  }
  bool refused = false;
  if (auto refusal = get_string(*message, "refusal"); refusal && !refusal->empty()) {
    r.content.push_back(ContentBlock::make_text(std::string(*refusal)));
    refused = true;
  }
  bool has_tool_calls = false;
  if (const json::array* calls = get_array(*message, "tool_calls")) {
    for (const json::value& call_value : *calls) {
      if (!call_value.is_object()) {
        continue;
      }
      const json::object& call = call_value.get_object();
      const json::object* fn = get_object(call, "function");
      if (fn == nullptr) {
        continue;
      }
      ContentBlock b;
      b.type = BlockType::ToolUse;
      b.id = std::string(get_string(call, "id").value_or(""));
      b.name = restore_tool_name(get_string(*fn, "name").value_or(""), ctx);
      auto arguments = get_string(*fn, "arguments").value_or("");
      if (!parse_arguments(arguments, b.input)) {
        b.extra.emplace("invalid_arguments", arguments);
      }
      r.content.push_back(std::move(b));
      has_tool_calls = true;
    }
  }
  auto finish = get_string(*choice, "finish_reason").value_or("");
  r.stop_reason =
      refused ? schema::StopReason::Refusal : stop_reason_from_finish(finish, has_tool_calls);
  return r;
}

std::string encode_response(const schema::CanonicalResponse& response) {
  unsigned char buffer[16384];
  json::monotonic_resource mr(buffer);
  json::storage_ptr sp(&mr);

  std::string text;
  std::string reasoning;
  size_t text_blocks = 0;
  json::array calls(sp);
  for (const ContentBlock& b : response.content) {
    switch (b.type) {
      case BlockType::Text:
        text.append(b.text);
        ++text_blocks;
        break;
      case BlockType::Thinking:
        reasoning.append(b.text);
        break;
      case BlockType::ToolUse: {
        json::object fn(2, sp);
        fn["name"] = b.name;
        std::string arguments;
        append_json_value(arguments, b.input);
        fn["arguments"] = arguments;
        json::object call(3, sp);
        call["id"] = b.id;
        call["type"] = "function";
        call["function"] = std::move(fn);
        calls.push_back(std::move(call));
        break;
      }
      default:
        break;  // redacted thinking, server-tool and other opaque blocks have no OpenAI form
    }
  }

  json::object message(5, sp);
  message["role"] = "assistant";
  if (text_blocks > 0) {
    message["content"] = std::move(text);
  } else {
    message["content"] = nullptr;
  }
  // Not in OpenAI's schema, but the field DeepSeek-style servers use and OpenAI clients ignore: it
  // keeps another family's reasoning visible to callers that read it (same word as the stream).
  if (!reasoning.empty()) {
    message["reasoning_content"] = std::move(reasoning);
  }
  if (!calls.empty()) {
    message["tool_calls"] = std::move(calls);
  }
  message["refusal"] = nullptr;

  json::object choice(4, sp);
  choice["index"] = 0;
  choice["message"] = std::move(message);
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = finish_reason_from_stop(response.stop_reason);

  json::object out(8, sp);
  out["id"] = openai_id_from_message(response.id);
  out["object"] = "chat.completion";
  const json::value* created = find(response.extra, "created");
  if (created != nullptr && (created->is_int64() || created->is_uint64())) {
    out["created"] = *created;
  } else {
    out["created"] = unix_now();
  }
  out["model"] = response.model;
  json::array choices(sp);
  choices.push_back(std::move(choice));
  out["choices"] = std::move(choices);
  out["usage"] = usage_to_openai(response.usage, sp);
  for (std::string_view key : {"system_fingerprint", "service_tier"}) {
    if (const json::value* v = find(response.extra, key); v != nullptr && v->is_string()) {
      out[key] = *v;
    }
  }
  std::string body;
  body.reserve(1024);
  append_json_value(body, json::value(std::move(out)));
  return body;
}

}  // namespace heimdall::dialects::openai_chat
