#include "openai_mock.hpp"

#include "reply_plan.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace heimdall::mock::openai {

namespace {

namespace json = boost::json;

// A fixed timestamp keeps answers byte-for-byte reproducible.
constexpr int64_t kCreated = 1735689600;
// Chunks written before a mid-stream reset or error: the role chunk and the first content chunk.
constexpr size_t kFramesBeforeFailure = 2;

std::string request_id() { return "req_mock_" + std::to_string(next_counter()); }

MockResponse json_response(int status, const json::value& body) {
  MockResponse r;
  r.status = status;
  r.headers.emplace_back("content-type", "application/json");
  r.headers.emplace_back("x-request-id", request_id());
  r.body = json::serialize(body);
  return r;
}

std::string data_frame(const json::object& chunk) {
  std::string out = "data: ";
  out.append(json::serialize(chunk)).append("\n\n");
  return out;
}

std::string_view finish_reason(StopKind s) {
  switch (s) {
    case StopKind::MaxTokens:
      return "length";
    case StopKind::ToolUse:
      return "tool_calls";
    case StopKind::StopSequence:
    case StopKind::EndTurn:
      break;
  }
  return "stop";
}

json::object usage_json(const ReplyPlan& plan) {
  json::object u;
  u["prompt_tokens"] = plan.prompt_tokens;
  u["completion_tokens"] = plan.output_tokens;
  u["total_tokens"] = plan.prompt_tokens + plan.output_tokens;
  u["prompt_tokens_details"] =
      json::object{{"cached_tokens", plan.cached_tokens}, {"audio_tokens", 0}};
  u["completion_tokens_details"] = json::object{{"reasoning_tokens", plan.thinking_tokens},
                                                {"audio_tokens", 0},
                                                {"accepted_prediction_tokens", 0},
                                                {"rejected_prediction_tokens", 0}};
  return u;
}

std::string call_id() { return "call_mock_" + std::to_string(next_counter()); }

json::object completion_json(const ReplyPlan& plan, std::string_view id, std::string_view model,
                             std::string_view tool_call_id) {
  json::object message;
  message["role"] = "assistant";
  message["content"] = plan.text;
  message["refusal"] = nullptr;
  message["annotations"] = json::array();
  if (!plan.thinking.empty()) {
    message["reasoning_content"] = plan.thinking;
  }
  if (plan.tool_call) {
    json::array calls;
    calls.push_back(json::object{
        {"id", tool_call_id},
        {"type", "function"},
        {"function", json::object{{"name", plan.tool_name}, {"arguments", plan.tool_input}}}});
    message["tool_calls"] = std::move(calls);
  }
  json::array choices;
  choices.push_back(json::object{{"index", 0},
                                 {"message", std::move(message)},
                                 {"logprobs", nullptr},
                                 {"finish_reason", finish_reason(plan.stop)}});
  json::object out;
  out["id"] = id;
  out["object"] = "chat.completion";
  out["created"] = kCreated;
  out["model"] = model;
  out["choices"] = std::move(choices);
  out["usage"] = usage_json(plan);
  out["service_tier"] = "default";
  out["system_fingerprint"] = "fp_mock";
  return out;
}

class ChunkBuilder {
 public:
  ChunkBuilder(std::string_view id, std::string_view model, bool include_usage)
      : id_(id), model_(model), include_usage_(include_usage) {}

  std::string choice(json::object delta, json::value finish = nullptr) const {
    json::array choices;
    choices.push_back(json::object{{"index", 0},
                                   {"delta", std::move(delta)},
                                   {"logprobs", nullptr},
                                   {"finish_reason", std::move(finish)}});
    json::object chunk = base();
    chunk["choices"] = std::move(choices);
    if (include_usage_) {
      chunk["usage"] = nullptr;
    }
    return data_frame(chunk);
  }

  std::string usage(const ReplyPlan& plan) const {
    json::object chunk = base();
    chunk["choices"] = json::array();
    chunk["usage"] = usage_json(plan);
    return data_frame(chunk);
  }

 private:
  json::object base() const {
    json::object c;
    c["id"] = id_;
    c["object"] = "chat.completion.chunk";
    c["created"] = kCreated;
    c["model"] = model_;
    c["service_tier"] = "default";
    c["system_fingerprint"] = "fp_mock";
    return c;
  }

  std::string_view id_;
  std::string_view model_;
  bool include_usage_;
};

std::vector<std::string> stream_frames(const ReplyPlan& plan, std::string_view id,
                                       std::string_view model, std::string_view tool_call_id,
                                       bool include_usage, std::optional<size_t> deltas) {
  const ChunkBuilder b(id, model, include_usage);
  std::vector<std::string> frames;
  frames.push_back(
      b.choice(json::object{{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}));
  if (!plan.thinking.empty()) {
    for (auto piece : split_words(plan.thinking)) {
      frames.push_back(b.choice(json::object{{"reasoning_content", piece}}));
    }
  }
  const auto pieces = deltas ? split_even(plan.text, *deltas) : split_words(plan.text);
  for (auto piece : pieces) {
    frames.push_back(b.choice(json::object{{"content", piece}}));
  }
  if (plan.tool_call) {
    json::array first;
    first.push_back(
        json::object{{"index", 0},
                     {"id", tool_call_id},
                     {"type", "function"},
                     {"function", json::object{{"name", plan.tool_name}, {"arguments", ""}}}});
    frames.push_back(b.choice(json::object{{"tool_calls", std::move(first)}}));
    for (auto piece : split_even(plan.tool_input, 3)) {
      if (piece.empty()) {
        continue;
      }
      json::array frag;
      frag.push_back(json::object{{"index", 0}, {"function", json::object{{"arguments", piece}}}});
      frames.push_back(b.choice(json::object{{"tool_calls", std::move(frag)}}));
    }
  }
  frames.push_back(b.choice(json::object(), json::value(finish_reason(plan.stop))));
  if (include_usage) {
    frames.push_back(b.usage(plan));
  }
  frames.emplace_back("data: [DONE]\n\n");
  return frames;
}

std::string_view role_of(const json::object& msg) {
  if (const auto* r = msg.if_contains("role"); r != nullptr && r->is_string()) {
    return r->as_string();
  }
  return {};
}

void read_messages(const json::array& messages, ReplyInputs& in) {
  // Trailing tool messages are the results the reply talks about.
  size_t end = messages.size();
  while (end > 0 && messages[end - 1].is_object() &&
         role_of(messages[end - 1].as_object()) == "tool") {
    --end;
  }
  if (end < messages.size()) {
    std::string results;
    for (size_t i = end; i < messages.size(); ++i) {
      if (i > end) {
        results.append(" | ");
      }
      if (const auto* c = messages[i].as_object().if_contains("content")) {
        results.append(text_of(*c));
      }
    }
    in.tool_results = std::move(results);
    // The user's turn is over: like an Anthropic tool_result message, nothing after the results is
    // a prompt, so the earlier prompt's triggers (a [[tool]] especially) do not fire again.
    return;
  }
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (!it->is_object() || role_of(it->as_object()) != "user") {
      continue;
    }
    if (const auto* c = it->as_object().if_contains("content")) {
      in.prompt = text_of(*c);
    }
    return;
  }
}

void read_tools(const json::object& body, ReplyInputs& in) {
  if (const auto* tools = body.if_contains("tools"); tools != nullptr && tools->is_array()) {
    for (const auto& t : tools->as_array()) {
      const auto* obj = t.if_object();
      const auto* fn = obj != nullptr ? obj->if_contains("function") : nullptr;
      if (fn == nullptr || !fn->is_object()) {
        continue;
      }
      const auto* name = fn->as_object().if_contains("name");
      if (name == nullptr || !name->is_string()) {
        continue;
      }
      in.tools.push_back(
          ToolSpec{std::string(name->as_string()), fn->as_object().if_contains("parameters")});
    }
  }
  const auto* choice = body.if_contains("tool_choice");
  if (choice == nullptr) {
    return;
  }
  if (const auto* s = choice->if_string()) {
    if (*s == "none") {
      in.force = ToolForce::Disabled;
    } else if (*s == "required") {
      in.force = ToolForce::Any;
    }
  } else if (const auto* obj = choice->if_object()) {
    const auto* fn = obj->if_contains("function");
    if (fn != nullptr && fn->is_object()) {
      if (const auto* n = fn->as_object().if_contains("name"); n != nullptr && n->is_string()) {
        in.force = ToolForce::Named;
        in.forced_name = std::string(n->as_string());
      }
    }
  }
}

}  // namespace

std::optional<std::string_view> api_key(const MockRequest& req) {
  if (auto auth = req.header("authorization"); auth && auth->size() > 7) {
    const std::string_view prefix = auth->substr(0, 7);
    if (prefix == "Bearer " || prefix == "bearer ") {
      return auth->substr(7);
    }
  }
  return std::nullopt;
}

MockResponse error(int status, std::string_view message, std::optional<int> retry_after_s,
                   std::optional<std::string_view> code) {
  std::string_view type = "invalid_request_error";
  json::value code_value = nullptr;
  if (status == 401) {
    code_value = "invalid_api_key";
  } else if (status == 403) {
    type = "permission_error";
  } else if (status == 404) {
    code_value = "not_found";
  } else if (status == 429) {
    type = "requests";
    code_value = "rate_limit_exceeded";
  } else if (status >= 500) {
    type = "server_error";
  }
  if (code) {
    code_value = *code;
  }
  json::object err;
  err["message"] = message;
  err["type"] = type;
  err["param"] = nullptr;
  err["code"] = std::move(code_value);
  MockResponse r = json_response(status, json::object{{"error", std::move(err)}});
  if (status == 429 || ((status == 503 || status == 529) && retry_after_s)) {
    r.headers.emplace_back("retry-after", std::to_string(retry_after_s.value_or(2)));
  }
  return r;
}

MockResponse chat_completions(const MockRequest& req, std::string_view key) {
  unsigned char buffer[4096];
  json::monotonic_resource mr(buffer, sizeof(buffer));
  json::error_code ec;
  json::value doc = json::parse(req.body, ec, &mr);
  if (ec || !doc.is_object()) {
    return error(400, "We could not parse the JSON body of your request.");
  }
  const auto& body = doc.as_object();
  const auto* model = body.if_contains("model");
  const auto* messages = body.if_contains("messages");
  if (model == nullptr || !model->is_string()) {
    return error(400, "you must provide a model parameter");
  }
  if (messages == nullptr || !messages->is_array()) {
    return error(400, "Missing required parameter: 'messages'.");
  }
  ReplyInputs in;
  in.model = std::string(model->as_string());
  in.key = std::string(key);
  in.body_bytes = req.body.size();
  for (const char* field : {"max_completion_tokens", "max_tokens"}) {
    const auto* mt = body.if_contains(field);
    if (mt != nullptr && (mt->is_int64() || mt->is_uint64())) {
      if (const auto n = mt->to_number<int64_t>(ec); !ec && n >= 0) {
        in.max_tokens = static_cast<uint64_t>(n);
        break;
      }
    }
  }
  read_messages(messages->as_array(), in);
  read_tools(body, in);
  if (const auto* stop = body.if_contains("stop")) {
    if (stop->is_string()) {
      in.stop_sequences.emplace_back(stop->as_string());
    } else if (stop->is_array()) {
      for (const auto& s : stop->as_array()) {
        if (s.is_string()) {
          in.stop_sequences.emplace_back(s.as_string());
        }
      }
    }
  }
  if (const auto* effort = body.if_contains("reasoning_effort");
      effort != nullptr && effort->is_string()) {
    in.thinking = true;
  }
  bool stream = false;
  if (const auto* s = body.if_contains("stream"); s != nullptr && s->is_bool()) {
    stream = s->as_bool();
  }
  bool include_usage = false;
  if (const auto* so = body.if_contains("stream_options"); so != nullptr && so->is_object()) {
    if (const auto* iu = so->as_object().if_contains("include_usage");
        iu != nullptr && iu->is_bool()) {
      include_usage = iu->as_bool();
    }
  }
  in.triggers.add_prompt(in.prompt);
  in.triggers.add_headers(req.headers);
  const Triggers& trig = in.triggers;

  MockResponse r;
  if (trig.status && *trig.status >= 400) {
    r = error(*trig.status, "mock error " + std::to_string(*trig.status), trig.retry_after_s);
  } else if (!stream && trig.error_mid_stream) {
    r = error(500, "The server had an error while processing your request.", trig.retry_after_s);
  } else {
    const ReplyPlan plan = plan_reply(in);
    const std::string id = "chatcmpl-mock-" + std::to_string(next_counter());
    const std::string tool_call_id = plan.tool_call ? call_id() : std::string();
    if (!stream) {
      r = json_response(200, completion_json(plan, id, in.model, tool_call_id));
    } else {
      r.headers.emplace_back("content-type", "text/event-stream; charset=utf-8");
      r.headers.emplace_back("cache-control", "no-cache");
      r.headers.emplace_back("x-request-id", request_id());
      r.stream = true;
      r.frames = stream_frames(plan, id, in.model, tool_call_id, include_usage, trig.deltas);
      const size_t keep = std::min(kFramesBeforeFailure, r.frames.size() - 1);
      if (trig.reset_mid_stream) {
        r.reset_after_frames = keep;
      } else if (trig.error_mid_stream) {
        r.frames.resize(keep);
        r.frames.push_back(data_frame(json::object{{"error", json::object{{"message", "Overloaded"},
                                                                          {"type", "server_error"},
                                                                          {"param", nullptr},
                                                                          {"code", nullptr}}}}));
      }
    }
  }
  r.delay = trig.delay;
  r.event_delay = trig.event_delay;
  r.stamp = trig.stamp;
  r.reset_before = trig.reset_before || (!r.stream && trig.reset_mid_stream);
  return r;
}

namespace {

json::object model_info(std::string_view id) {
  return json::object{
      {"id", id}, {"object", "model"}, {"created", 1715367049}, {"owned_by", "system"}};
}

}  // namespace

MockResponse models(std::string_view id) {
  if (!id.empty()) {
    return json_response(200, model_info(id));
  }
  json::array data;
  for (std::string_view m : {"gpt-4o", "gpt-4o-mini", "o3-mini"}) {
    data.push_back(model_info(m));
  }
  return json_response(200, json::object{{"object", "list"}, {"data", std::move(data)}});
}

}  // namespace heimdall::mock::openai
