#include "anthropic_mock.hpp"

#include "reply_plan.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace heimdall::mock::anthropic {

namespace {

namespace json = boost::json;

// Frames written before a mid-stream reset or error: message_start, ping, content_block_start and
// the first delta, so a relay has already committed its own 200.
constexpr size_t kFramesBeforeFailure = 4;

std::string request_id() { return "req_mock_" + std::to_string(next_counter()); }

MockResponse json_response(int status, const json::value& body, std::string rid) {
  MockResponse r;
  r.status = status;
  r.headers.emplace_back("content-type", "application/json");
  r.headers.emplace_back("request-id", std::move(rid));
  r.body = json::serialize(body);
  return r;
}

json::object error_body(int status, std::string_view message, std::string_view rid) {
  json::object err;
  err["type"] = error_type(status);
  err["message"] = message;
  json::object body;
  body["type"] = "error";
  body["error"] = std::move(err);
  body["request_id"] = rid;
  return body;
}

std::string frame(std::string_view event, const json::object& data) {
  std::string out;
  out.reserve(64 + event.size());
  out.append("event: ")
      .append(event)
      .append("\ndata: ")
      .append(json::serialize(data))
      .append("\n\n");
  return out;
}

std::string_view stop_reason(StopKind s) {
  switch (s) {
    case StopKind::StopSequence:
      return "stop_sequence";
    case StopKind::MaxTokens:
      return "max_tokens";
    case StopKind::ToolUse:
      return "tool_use";
    case StopKind::EndTurn:
      break;
  }
  return "end_turn";
}

json::value stop_sequence_value(const ReplyPlan& plan) {
  if (plan.stop == StopKind::StopSequence) {
    return json::value(plan.stop_sequence);
  }
  return nullptr;
}

uint64_t uncached_input(const ReplyPlan& plan) {
  const uint64_t cached = plan.cached_tokens + plan.cache_write_tokens;
  return plan.prompt_tokens > cached ? plan.prompt_tokens - cached : 0;
}

json::object full_usage(const ReplyPlan& plan) {
  json::object cache_creation;
  cache_creation["ephemeral_5m_input_tokens"] = plan.cache_write_tokens;
  cache_creation["ephemeral_1h_input_tokens"] = 0;
  json::object u;
  u["input_tokens"] = uncached_input(plan);
  u["output_tokens"] = plan.output_tokens;
  u["cache_creation_input_tokens"] = plan.cache_write_tokens;
  u["cache_read_input_tokens"] = plan.cached_tokens;
  u["cache_creation"] = std::move(cache_creation);
  u["server_tool_use"] = nullptr;
  u["service_tier"] = "standard";
  return u;
}

std::string tool_id() { return "toolu_mock_" + std::to_string(next_counter()); }

json::object message_json(const ReplyPlan& plan, std::string_view id, std::string_view model,
                          std::string_view tool_use_id) {
  json::array content;
  if (!plan.thinking.empty()) {
    content.push_back(json::object{{"type", "thinking"},
                                   {"thinking", plan.thinking},
                                   {"signature", signature_for(plan.thinking)}});
  }
  content.push_back(json::object{{"type", "text"}, {"text", plan.text}, {"citations", nullptr}});
  if (plan.tool_call) {
    json::error_code ec;
    json::value input = json::parse(plan.tool_input, ec);
    content.push_back(json::object{{"type", "tool_use"},
                                   {"id", tool_use_id},
                                   {"name", plan.tool_name},
                                   {"input", std::move(input)}});
  }
  json::object msg;
  msg["id"] = id;
  msg["type"] = "message";
  msg["role"] = "assistant";
  msg["model"] = model;
  msg["content"] = std::move(content);
  msg["stop_reason"] = stop_reason(plan.stop);
  msg["stop_sequence"] = stop_sequence_value(plan);
  msg["usage"] = full_usage(plan);
  return msg;
}

json::object block_delta(size_t index, std::string_view type, std::string_view field,
                         std::string_view value) {
  json::object delta;
  delta["type"] = type;
  delta[field] = value;
  json::object ev;
  ev["type"] = "content_block_delta";
  ev["index"] = index;
  ev["delta"] = std::move(delta);
  return ev;
}

void push_block(std::vector<std::string>& frames, size_t index, json::object start_block,
                const std::vector<json::object>& deltas) {
  frames.push_back(
      frame("content_block_start", json::object{{"type", "content_block_start"},
                                                {"index", index},
                                                {"content_block", std::move(start_block)}}));
  for (const auto& d : deltas) {
    frames.push_back(frame("content_block_delta", d));
  }
  frames.push_back(
      frame("content_block_stop", json::object{{"type", "content_block_stop"}, {"index", index}}));
}

std::vector<std::string> stream_frames(const ReplyPlan& plan, std::string_view id,
                                       std::string_view model, std::string_view tool_use_id,
                                       std::optional<size_t> deltas) {
  std::vector<std::string> frames;
  {
    json::object usage;
    usage["input_tokens"] = uncached_input(plan);
    usage["cache_creation_input_tokens"] = plan.cache_write_tokens;
    usage["cache_read_input_tokens"] = plan.cached_tokens;
    usage["output_tokens"] = 1;
    usage["service_tier"] = "standard";
    json::object msg;
    msg["id"] = id;
    msg["type"] = "message";
    msg["role"] = "assistant";
    msg["model"] = model;
    msg["content"] = json::array();
    msg["stop_reason"] = nullptr;
    msg["stop_sequence"] = nullptr;
    msg["usage"] = std::move(usage);
    frames.push_back(frame("message_start",
                           json::object{{"type", "message_start"}, {"message", std::move(msg)}}));
    frames.push_back(frame("ping", json::object{{"type", "ping"}}));
  }
  size_t index = 0;
  std::vector<json::object> deltas_json;
  if (!plan.thinking.empty()) {
    for (auto piece : split_words(plan.thinking)) {
      deltas_json.push_back(block_delta(index, "thinking_delta", "thinking", piece));
    }
    deltas_json.push_back(
        block_delta(index, "signature_delta", "signature", signature_for(plan.thinking)));
    push_block(frames, index,
               json::object{{"type", "thinking"}, {"thinking", ""}, {"signature", ""}},
               deltas_json);
    ++index;
  }
  deltas_json.clear();
  const auto pieces = deltas ? split_even(plan.text, *deltas) : split_words(plan.text);
  for (auto piece : pieces) {
    deltas_json.push_back(block_delta(index, "text_delta", "text", piece));
  }
  push_block(frames, index, json::object{{"type", "text"}, {"text", ""}}, deltas_json);
  ++index;
  if (plan.tool_call) {
    deltas_json.clear();
    for (auto piece : split_even(plan.tool_input, 3)) {
      if (!piece.empty()) {
        deltas_json.push_back(block_delta(index, "input_json_delta", "partial_json", piece));
      }
    }
    push_block(frames, index,
               json::object{{"type", "tool_use"},
                            {"id", tool_use_id},
                            {"name", plan.tool_name},
                            {"input", json::object()}},
               deltas_json);
    ++index;
  }
  {
    json::object delta;
    delta["stop_reason"] = stop_reason(plan.stop);
    delta["stop_sequence"] = stop_sequence_value(plan);
    json::object usage;
    usage["input_tokens"] = uncached_input(plan);
    usage["cache_creation_input_tokens"] = plan.cache_write_tokens;
    usage["cache_read_input_tokens"] = plan.cached_tokens;
    usage["output_tokens"] = plan.output_tokens;
    frames.push_back(frame("message_delta", json::object{{"type", "message_delta"},
                                                         {"delta", std::move(delta)},
                                                         {"usage", std::move(usage)}}));
    frames.push_back(frame("message_stop", json::object{{"type", "message_stop"}}));
  }
  return frames;
}

// Fills prompt and tool results from the last user message.
void read_last_user(const json::array& messages, ReplyInputs& in) {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    const auto* msg = it->if_object();
    if (msg == nullptr) {
      continue;
    }
    const auto* role = msg->if_contains("role");
    if (role == nullptr || !role->is_string() || role->as_string() != "user") {
      continue;
    }
    const auto* content = msg->if_contains("content");
    if (content == nullptr) {
      return;
    }
    in.prompt = text_of(*content);
    if (const auto* arr = content->if_array()) {
      std::string results;
      bool any = false;
      for (const auto& block : *arr) {
        const auto* obj = block.if_object();
        if (obj == nullptr) {
          continue;
        }
        const auto* type = obj->if_contains("type");
        if (type == nullptr || !type->is_string() || type->as_string() != "tool_result") {
          continue;
        }
        if (any) {
          results.append(" | ");
        }
        any = true;
        if (const auto* c = obj->if_contains("content")) {
          results.append(text_of(*c));
        }
      }
      if (any) {
        in.tool_results = std::move(results);
      }
    }
    return;
  }
}

void read_tools(const json::object& body, ReplyInputs& in) {
  if (const auto* tools = body.if_contains("tools"); tools != nullptr && tools->is_array()) {
    for (const auto& t : tools->as_array()) {
      const auto* obj = t.if_object();
      if (obj == nullptr) {
        continue;
      }
      const auto* name = obj->if_contains("name");
      if (name == nullptr || !name->is_string()) {
        continue;
      }
      in.tools.push_back(
          ToolSpec{std::string(name->as_string()), obj->if_contains("input_schema")});
    }
  }
  if (const auto* choice = body.if_contains("tool_choice");
      choice != nullptr && choice->is_object()) {
    const auto& c = choice->as_object();
    const auto* type = c.if_contains("type");
    if (type != nullptr && type->is_string()) {
      const auto& t = type->as_string();
      if (t == "none") {
        in.force = ToolForce::Disabled;
      } else if (t == "any") {
        in.force = ToolForce::Any;
      } else if (t == "tool") {
        in.force = ToolForce::Named;
        if (const auto* n = c.if_contains("name"); n != nullptr && n->is_string()) {
          in.forced_name = std::string(n->as_string());
        }
      }
    }
  }
}

}  // namespace

std::optional<std::string_view> api_key(const MockRequest& req) {
  if (auto k = req.header("x-api-key"); k && !k->empty()) {
    return k;
  }
  if (auto auth = req.header("authorization"); auth && auth->size() > 7) {
    const std::string_view prefix = auth->substr(0, 7);
    if (prefix == "Bearer " || prefix == "bearer ") {
      return auth->substr(7);
    }
  }
  return std::nullopt;
}

std::string_view error_type(int status) {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    case 529:
      return "overloaded_error";
    default:
      break;
  }
  return status >= 500 ? "api_error" : "invalid_request_error";
}

MockResponse error(int status, std::string_view message, std::optional<int> retry_after_s) {
  std::string rid = request_id();
  const json::object body = error_body(status, message, rid);
  MockResponse r = json_response(status, body, std::move(rid));
  if (status == 429 || ((status == 503 || status == 529) && retry_after_s)) {
    r.headers.emplace_back("retry-after", std::to_string(retry_after_s.value_or(2)));
  }
  return r;
}

MockResponse messages(const MockRequest& req, std::string_view key) {
  unsigned char buffer[4096];
  json::monotonic_resource mr(buffer, sizeof(buffer));
  json::error_code ec;
  json::value doc = json::parse(req.body, ec, &mr);
  if (ec || !doc.is_object()) {
    return error(400, "request body is not a JSON object");
  }
  const auto& body = doc.as_object();
  const auto* model = body.if_contains("model");
  const auto* max_tokens = body.if_contains("max_tokens");
  const auto* messages = body.if_contains("messages");
  if (model == nullptr || !model->is_string()) {
    return error(400, "model: field required");
  }
  if (max_tokens == nullptr || !(max_tokens->is_int64() || max_tokens->is_uint64())) {
    return error(400, "max_tokens: field required");
  }
  if (messages == nullptr || !messages->is_array()) {
    return error(400, "messages: field required");
  }
  ReplyInputs in;
  in.model = std::string(model->as_string());
  in.key = std::string(key);
  in.body_bytes = req.body.size();
  if (const auto n = max_tokens->to_number<int64_t>(ec); !ec && n >= 0) {
    in.max_tokens = static_cast<uint64_t>(n);
  }
  read_last_user(messages->as_array(), in);
  read_tools(body, in);
  if (const auto* stops = body.if_contains("stop_sequences");
      stops != nullptr && stops->is_array()) {
    for (const auto& s : stops->as_array()) {
      if (s.is_string()) {
        in.stop_sequences.emplace_back(s.as_string());
      }
    }
  }
  if (const auto* thinking = body.if_contains("thinking");
      thinking != nullptr && thinking->is_object()) {
    if (const auto* t = thinking->as_object().if_contains("type"); t != nullptr && t->is_string()) {
      in.thinking = t->as_string() == "enabled" || t->as_string() == "adaptive";
    }
  }
  bool stream = false;
  if (const auto* s = body.if_contains("stream"); s != nullptr && s->is_bool()) {
    stream = s->as_bool();
  }
  in.triggers.add_prompt(in.prompt);
  in.triggers.add_headers(req.headers);
  const Triggers& trig = in.triggers;

  MockResponse r;
  if (trig.status && *trig.status >= 400) {
    r = error(*trig.status, "mock " + std::string(error_type(*trig.status)), trig.retry_after_s);
  } else if (!stream && trig.error_mid_stream) {
    // No stream to break: the closest a JSON answer gets is the error itself.
    r = error(529, "Overloaded", trig.retry_after_s);
  } else {
    const ReplyPlan plan = plan_reply(in);
    const std::string id = "msg_mock_" + std::to_string(next_counter());
    const std::string tool_use_id = plan.tool_call ? tool_id() : std::string();
    if (!stream) {
      r = json_response(200, message_json(plan, id, in.model, tool_use_id), request_id());
    } else {
      r.headers.emplace_back("content-type", "text/event-stream; charset=utf-8");
      r.headers.emplace_back("cache-control", "no-cache");
      r.headers.emplace_back("request-id", request_id());
      r.stream = true;
      r.frames = stream_frames(plan, id, in.model, tool_use_id, trig.deltas);
      const size_t keep = std::min(kFramesBeforeFailure, r.frames.size() - 1);
      if (trig.reset_mid_stream) {
        r.reset_after_frames = keep;
      } else if (trig.error_mid_stream) {
        r.frames.resize(keep);
        r.frames.push_back(
            frame("error", json::object{{"type", "error"},
                                        {"error", json::object{{"type", "overloaded_error"},
                                                               {"message", "Overloaded"}}}}));
      }
    }
  }
  r.delay = trig.delay;
  r.event_delay = trig.event_delay;
  r.stamp = trig.stamp;
  // A reset of a JSON answer can only happen before it.
  r.reset_before = trig.reset_before || (!r.stream && trig.reset_mid_stream);
  return r;
}

MockResponse count_tokens(const MockRequest& req) {
  json::error_code ec;
  json::value doc = json::parse(req.body, ec);
  if (ec || !doc.is_object()) {
    return error(400, "request body is not a JSON object");
  }
  const auto* messages = doc.as_object().if_contains("messages");
  if (messages == nullptr || !messages->is_array()) {
    return error(400, "messages: field required");
  }
  json::object out;
  out["input_tokens"] = input_tokens_for(req.body.size());
  return json_response(200, out, request_id());
}

namespace {

json::object model_info(std::string_view id) {
  return json::object{
      {"type", "model"}, {"id", id}, {"display_name", id}, {"created_at", "2025-09-29T00:00:00Z"}};
}

}  // namespace

MockResponse models(std::string_view id) {
  if (!id.empty()) {
    return json_response(200, model_info(id), request_id());
  }
  static constexpr std::string_view kIds[] = {"claude-sonnet-4-5", "claude-opus-4-1",
                                              "claude-haiku-4-5"};
  json::array data;
  for (auto m : kIds) {
    data.push_back(model_info(m));
  }
  json::object out;
  out["data"] = std::move(data);
  out["has_more"] = false;
  out["first_id"] = kIds[0];
  out["last_id"] = kIds[std::size(kIds) - 1];
  return json_response(200, out, request_id());
}

}  // namespace heimdall::mock::anthropic
