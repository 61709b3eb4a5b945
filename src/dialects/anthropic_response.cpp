// The Message object (anthropic.md §3) in both directions.
#include "dialects/anthropic_content.hpp"
#include "dialects/anthropic_internal.hpp"
#include "dialects/anthropic_json.hpp"
#include "dialects/encoded_size.hpp"
#include "dialects/json_text.hpp"

#include <random>
#include <string>
#include <utility>

namespace heimdall::dialects::anthropic_detail {

namespace dom = simdjson::dom;
using schema::CanonicalResponse;
using schema::Error;
using schema::StopReason;

std::string_view stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::EndTurn:
      return "end_turn";
    case StopReason::MaxTokens:
      return "max_tokens";
    case StopReason::StopSequence:
      return "stop_sequence";
    case StopReason::ToolUse:
      return "tool_use";
    case StopReason::PauseTurn:
      return "pause_turn";
    case StopReason::Refusal:
      return "refusal";
    case StopReason::ContextWindowExceeded:
      return "model_context_window_exceeded";
  }
  return "end_turn";
}

std::optional<StopReason> parse_stop_reason(std::string_view name) {
  if (equals(name, "end_turn")) {
    return StopReason::EndTurn;
  }
  if (equals(name, "max_tokens")) {
    return StopReason::MaxTokens;
  }
  if (equals(name, "stop_sequence")) {
    return StopReason::StopSequence;
  }
  if (equals(name, "tool_use")) {
    return StopReason::ToolUse;
  }
  if (equals(name, "pause_turn")) {
    return StopReason::PauseTurn;
  }
  if (equals(name, "refusal")) {
    return StopReason::Refusal;
  }
  if (equals(name, "model_context_window_exceeded")) {
    return StopReason::ContextWindowExceeded;
  }
  return std::nullopt;
}

std::string message_id(std::string_view id) {
  constexpr std::string_view kPrefix = "msg_";
  if (id.substr(0, kPrefix.size()) == kPrefix) {
    return std::string(id);
  }
  std::string out(kPrefix);
  if (!id.empty()) {
    out.append(id);
    return out;
  }
  // Unique per response (§6.2: Claude Code misbehaves when ids repeat); not a secret, so a
  // per-thread PRNG seeded once is enough.
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  for (int i = 0; i < 24; ++i) {
    out.push_back(kAlphabet[rng() % (sizeof kAlphabet - 1)]);
  }
  return out;
}

void write_usage(JsonWriter& w, const schema::Usage& usage) {
  w.key("usage");
  w.begin_object();
  w.field_uint("input_tokens", usage.input_tokens);
  w.field_uint("cache_creation_input_tokens", usage.cache_creation_input_tokens);
  w.field_uint("cache_read_input_tokens", usage.cache_read_input_tokens);
  w.field_uint("output_tokens", usage.output_tokens);
  w.end_object();
}

namespace {

// `o`: the usage object's members, read once for all the counters.
void read_usage(const Members& o, schema::Usage& usage) {
  auto read = [&](std::string_view key, uint64_t& slot) {
    if (const auto n = find(o, key)) {
      if (auto u = as_uint(*n)) {
        slot = *u;
      }
    }
  };
  read("input_tokens", usage.input_tokens);
  read("output_tokens", usage.output_tokens);
  read("cache_read_input_tokens", usage.cache_read_input_tokens);
  read("cache_creation_input_tokens", usage.cache_creation_input_tokens);
  if (const auto d = get_object(o, "output_tokens_details")) {
    if (const auto t = find(*d, "thinking_tokens")) {
      if (auto u = as_uint(*t)) {
        usage.reasoning_tokens = *u;
      }
    }
  }
}

// The usage members the canonical Usage has no slot for, as one JSON object into `out` (left
// empty when there are none).
void write_usage_extra(const Members& usage, std::string& out) {
  for (const auto& [key, value] : usage) {
    if (equals(key, "input_tokens") || equals(key, "output_tokens") ||
        equals(key, "cache_read_input_tokens") || equals(key, "cache_creation_input_tokens") ||
        value.is_null()) {
      continue;
    }
    out.push_back(out.empty() ? '{' : ',');
    append_json_string(out, key);
    out.push_back(':');
    append_json_element(out, value);
  }
  if (!out.empty()) {
    out.push_back('}');
  }
}

Error bad_upstream(std::string message) {
  return Error::make(schema::ErrorCode::BadGateway, "invalid upstream response: " + message);
}

}  // namespace

void read_usage_into(dom::element v, schema::Usage& usage) {
  dom::object o;
  if (v.get_object().get(o) == simdjson::SUCCESS) {
    read_usage(Members(o), usage);
  }
}

schema::Result<CanonicalResponse> decode_response(std::string_view body,
                                                  const TranslationContext& ctx) {
  const JsonDocument doc(body, kMaxJsonDepth);
  if (!doc.root()) {
    return bad_upstream(json_error_message(body));
  }
  dom::object o;
  if (doc.root()->get_object().get(o) != simdjson::SUCCESS) {
    return bad_upstream("expected a JSON object");
  }
  const Members members(o);
  if (get_string(members, "type") == "error") {
    // An error body that arrived with a 2xx status: treat it like decode_error would.
    return decode_error(0, body);
  }
  CanonicalResponse resp;
  for (const auto [k, v] : members) {
    std::string_view text;
    const bool is_string = v.get_string().get(text) == simdjson::SUCCESS;
    if (equals(k, "id")) {
      if (is_string) {
        resp.id = text;
      }
    } else if (equals(k, "model")) {
      if (is_string) {
        resp.model = text;
      }
    } else if (equals(k, "content")) {
      dom::array arr;
      if (v.get_array().get(arr) != simdjson::SUCCESS) {
        return bad_upstream("content: Input should be a valid list");
      }
      const Path path{nullptr, "content", 0};
      resp.content.reserve(arr.size());
      size_t i = 0;
      for (const dom::element e : arr) {
        schema::ContentBlock& block = resp.content.emplace_back();
        if (auto err = decode_block(e, path.at(i++), block)) {
          return bad_upstream(err->message);
        }
        if (block.type == schema::BlockType::ToolUse) {
          if (auto it = ctx.tool_name_restore.find(block.name); it != ctx.tool_name_restore.end()) {
            block.name = it->second;
          }
        }
      }
    } else if (equals(k, "stop_reason")) {
      if (is_string) {
        resp.stop_reason = parse_stop_reason(text);
        if (!resp.stop_reason) {
          resp.extra["stop_reason"] = text;  // a reason newer than this codec: keep the word
        }
      }
    } else if (equals(k, "stop_sequence")) {
      if (is_string) {
        resp.stop_sequence = std::string(text);
      }
    } else if (equals(k, "usage")) {
      dom::object uo;
      if (v.get_object().get(uo) == simdjson::SUCCESS) {
        const Members usage(uo);
        read_usage(usage, resp.usage);
        write_usage_extra(usage, resp.usage_extra);
      }
    } else if (equals(k, "type") || equals(k, "role")) {
      continue;
    } else {
      resp.extra[k] = to_boost(v);  // container, stop_details, context_management, …
    }
  }
  // The caller sees the model it asked for (codec.hpp), like every dialect's decoder does.
  if (!ctx.requested_model.empty()) {
    resp.model = ctx.requested_model;
  }
  return resp;
}

std::string encode_response(const CanonicalResponse& resp) {
  // Only the documented Message members (§3): `extra` holds the upstream dialect's leftovers, which
  // an Anthropic SDK would not understand. Same-dialect answers are relayed as bytes, not
  // re-encoded.
  std::string out;
  out.reserve(encoded_size_hint(resp));
  JsonWriter w(out);
  w.begin_object();
  w.field("id", message_id(resp.id));
  w.field("type", "message");
  w.field("role", "assistant");
  w.field("model", resp.model);
  w.key("content");
  w.begin_array();
  for (const auto& b : resp.content) {
    if (is_encodable(b, BlockShape::Response)) {
      encode_block(w, b, BlockShape::Response);
    }
  }
  w.end_array();
  w.key("stop_reason");
  if (resp.stop_reason) {
    w.string(stop_reason_name(*resp.stop_reason));
  } else {
    w.null();
  }
  w.key("stop_sequence");
  if (resp.stop_sequence) {
    w.string(*resp.stop_sequence);
  } else {
    w.null();
  }
  write_usage(w, resp.usage);
  w.end_object();
  return out;
}

}  // namespace heimdall::dialects::anthropic_detail
