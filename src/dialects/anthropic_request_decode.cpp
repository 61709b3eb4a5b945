// POST /v1/messages request bodies, Anthropic → canonical (anthropic.md §2): validation with
// Anthropic's field paths and wording, unknown members kept in `extra`.
#include "dialects/anthropic_content.hpp"
#include "dialects/anthropic_internal.hpp"
#include "dialects/anthropic_json.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <utility>

namespace heimdall::dialects::anthropic_detail {

namespace dom = simdjson::dom;
using schema::BlockType;
using schema::CanonicalRequest;
using schema::ContentBlock;
using schema::Error;

namespace {

schema::Result<std::vector<ContentBlock>> decode_system(dom::element v, CanonicalRequest& req) {
  const Path path{nullptr, "system", 0};
  std::vector<ContentBlock> out;
  std::string_view text;
  if (v.get_string().get(text) == simdjson::SUCCESS) {
    req.system_is_string = true;
    schema::append_text(out, text);
    return out;
  }
  dom::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS) {
    return wrong_kind(path, "a valid list");
  }
  out.reserve(arr.size());
  size_t i = 0;
  for (const dom::element e : arr) {
    if (auto err = decode_block(e, path.at(i), out.emplace_back())) {
      return *err;
    }
    if (out.back().type != BlockType::Text) {
      return schema::Error::invalid(path.at(i).child("type").str() + ": Input should be 'text'");
    }
    ++i;
  }
  return out;
}

schema::Result<std::vector<schema::Message>> decode_messages(dom::element v) {
  const Path path{nullptr, "messages", 0};
  dom::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS) {
    return wrong_kind(path, "a valid list");
  }
  std::vector<schema::Message> out;
  out.reserve(arr.size());
  size_t i = 0;
  for (const dom::element e : arr) {
    const Path mp = path.at(i++);
    dom::object message_object;
    if (e.get_object().get(message_object) != simdjson::SUCCESS) {
      return wrong_kind(mp, "a valid dictionary");
    }
    const Members mo(message_object);
    schema::Message& msg = out.emplace_back();
    const auto role = find(mo, "role");
    if (!role) {
      return field_required(mp.child("role"));
    }
    std::string_view r;
    const bool is_string = role->get_string().get(r) == simdjson::SUCCESS;
    if (is_string && equals(r, "user")) {
      msg.role = schema::Role::User;
    } else if (is_string && equals(r, "assistant")) {
      msg.role = schema::Role::Assistant;
    } else {
      return Error::invalid(mp.child("role").str() + ": Input should be 'user' or 'assistant'");
    }
    const auto content = find(mo, "content");
    if (!content) {
      return field_required(mp.child("content"));
    }
    std::string_view text;
    dom::array blocks;
    if (content->get_string().get(text) == simdjson::SUCCESS) {
      msg.content_is_string = true;
      schema::append_text(msg.content, text);
    } else if (content->get_array().get(blocks) == simdjson::SUCCESS) {
      const Path cp = mp.child("content");
      msg.content.reserve(blocks.size());
      size_t j = 0;
      for (const dom::element b : blocks) {
        if (auto err = decode_block(b, cp.at(j++), msg.content.emplace_back())) {
          return *err;
        }
      }
    } else {
      return wrong_kind(mp.child("content"), "a valid list");
    }
  }
  return out;
}

// Decodes into `tool`, a fresh one already in its vector (a Tool is large: see decode_block).
std::optional<Error> decode_tool(dom::element v, const Path& path, schema::Tool& tool) {
  dom::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) {
    return wrong_kind(path, "a valid dictionary");
  }
  const Members o(object);
  if (auto t = get_string(o, "type")) {
    tool.type = *t;
  }
  const bool custom = tool.type.empty() || tool.type == "custom";
  // Anthropic reports custom-tool fields under the union tag: `tools.3.custom.input_schema`.
  const Path tp = custom ? path.child("custom") : path.child(tool.type);
  const auto name = find(o, "name");
  if (!name) {
    return field_required(tp.child("name"));
  }
  std::string_view name_text;
  if (name->get_string().get(name_text) != simdjson::SUCCESS) {
    return wrong_kind(tp.child("name"), "a valid string");
  }
  tool.name = name_text;
  for (const auto [k, val] : o) {
    if (equals(k, "type") || equals(k, "name")) {
      continue;
    }
    if (equals(k, "cache_control")) {
      tool.cache_control = decode_cache_control(val);
    } else if (equals(k, "strict") && val.is_bool()) {
      tool.strict = val.get_bool().value_unsafe();
    } else if (custom && equals(k, "description") && val.is_string()) {
      tool.description = val.get_string().value_unsafe();
    } else if (custom && equals(k, "input_schema")) {
      if (!val.is_object()) {
        return wrong_kind(tp.child("input_schema"), "a valid dictionary");
      }
      tool.input_schema.clear();
      append_json_element(tool.input_schema, val);
      tool.input_schema_has_type = has_key(val.get_object().value_unsafe(), "type");
    } else {
      // Anthropic-defined tools keep their parameters (max_uses, display_width_px, …) here, and
      // newer custom-tool keys (defer_loading, input_examples, …) ride along the same way.
      tool.extra[k] = to_boost(val);
    }
  }
  if (custom && !find(o, "input_schema")) {
    return field_required(tp.child("input_schema"));
  }
  return std::nullopt;
}

schema::Result<schema::ToolChoice> decode_tool_choice(dom::element v) {
  const Path path{nullptr, "tool_choice", 0};
  dom::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS) {
    return wrong_kind(path, "a valid dictionary");
  }
  const auto t = find(o, "type");
  if (!t) {
    return Error::invalid("tool_choice: Unable to extract tag using discriminator 'type'");
  }
  schema::ToolChoice tc;
  std::string_view type;
  if (t->get_string().get(type) != simdjson::SUCCESS) {
    type = "";
  }
  if (type == "auto") {
    tc.kind = schema::ToolChoice::Kind::Auto;
  } else if (type == "any") {
    tc.kind = schema::ToolChoice::Kind::Any;
  } else if (type == "tool") {
    tc.kind = schema::ToolChoice::Kind::Tool;
    const auto name = find(o, "name");
    if (!name) {
      return field_required(path.child("tool").child("name"));
    }
    std::string_view name_text;
    if (name->get_string().get(name_text) != simdjson::SUCCESS) {
      return wrong_kind(path.child("tool").child("name"), "a valid string");
    }
    tc.name = name_text;
  } else if (type == "none") {
    tc.kind = schema::ToolChoice::Kind::None;
  } else {
    return Error::invalid(
        "tool_choice: Input tag '" + std::string(type) +
        "' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', "
        "'none'");
  }
  if (const auto d = find(o, "disable_parallel_tool_use"); d && d->is_bool()) {
    tc.disable_parallel_tool_use = d->get_bool().value_unsafe();
  }
  return tc;
}

schema::Result<schema::Thinking> decode_thinking(dom::element v) {
  const Path path{nullptr, "thinking", 0};
  dom::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS) {
    return wrong_kind(path, "a valid dictionary");
  }
  const auto t = find(o, "type");
  if (!t) {
    return Error::invalid("thinking: Unable to extract tag using discriminator 'type'");
  }
  schema::Thinking th;
  std::string_view type;
  if (t->get_string().get(type) != simdjson::SUCCESS) {
    type = "";
  }
  if (type == "enabled") {
    th.kind = schema::Thinking::Kind::Enabled;
    const auto b = find(o, "budget_tokens");
    if (!b) {
      return field_required(path.child("enabled").child("budget_tokens"));
    }
    auto budget = as_uint(*b);
    if (!budget) {
      return wrong_kind(path.child("enabled").child("budget_tokens"), "a valid integer");
    }
    th.budget_tokens = *budget;
  } else if (type == "disabled") {
    th.kind = schema::Thinking::Kind::Disabled;
  } else if (type == "adaptive") {
    th.kind = schema::Thinking::Kind::Adaptive;
  } else {
    return Error::invalid("thinking: Input tag '" + std::string(type) +
                          "' found using 'type' does not match any of the expected tags: "
                          "'enabled', 'disabled', 'adaptive'");
  }
  if (const auto d = find(o, "display")) {
    std::string_view display;
    if (d->get_string().get(display) == simdjson::SUCCESS) {
      th.display = std::string(display);
    } else {
      th.display = std::nullopt;
    }
  }
  return th;
}

// output_config stays in `extra` for a same-dialect replay; its effort and JSON-schema format are
// also lifted into the canonical fields so other dialects can honour them (§6.1 table).
void lift_output_config(dom::element v, CanonicalRequest& req) {
  dom::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS) {
    return;
  }
  if (auto e = get_string(o, "effort")) {
    req.reasoning_effort = std::string(*e);
  }
  const auto fo = get_object(o, "format");
  if (!fo) {
    return;
  }
  const auto schema = find(*fo, "schema");
  if (get_string(*fo, "type") != "json_schema" || !schema) {
    return;
  }
  // The canonical response_format uses OpenAI's shape, the common denominator of the dialects.
  boost::json::object js;
  js["name"] = "response";
  js["schema"] = to_boost(*schema);
  js["strict"] = true;
  boost::json::object rf;
  rf["type"] = "json_schema";
  rf["json_schema"] = std::move(js);
  req.response_format = boost::json::value(std::move(rf));
}

schema::Result<CanonicalRequest> decode_object(dom::object root) {
  CanonicalRequest req;
  req.origin = schema::Dialect::Anthropic;
  bool has_model = false, has_max_tokens = false, has_messages = false;

  for (const auto [k, v] : Members(root)) {
    if (equals(k, "model")) {
      std::string_view model;
      if (v.get_string().get(model) != simdjson::SUCCESS) {
        return wrong_kind(Path{nullptr, "model", 0}, "a valid string");
      }
      req.model = model;
      has_model = true;
    } else if (equals(k, "max_tokens")) {
      const auto n = as_int(v);
      if (!n) {
        return Error::invalid("max_tokens: Input should be a valid integer");
      }
      if (*n < 1) {
        return Error::invalid("max_tokens: Input should be greater than or equal to 1");
      }
      req.max_tokens = static_cast<uint64_t>(*n);
      has_max_tokens = true;
    } else if (equals(k, "messages")) {
      HEIMDALL_TRY(req.messages, decode_messages(v));
      has_messages = true;
    } else if (v.is_null() && k != "metadata") {
      // pydantic reads an explicit null as "not given" for every optional member.
      continue;
    } else if (equals(k, "system")) {
      HEIMDALL_TRY(req.system, decode_system(v, req));
    } else if (equals(k, "stream")) {
      if (!v.is_bool()) {
        return Error::invalid("stream: Input should be a valid boolean");
      }
      req.stream = v.get_bool().value_unsafe();
    } else if (equals(k, "temperature") || equals(k, "top_p")) {
      const auto d = as_number(v);
      if (!d) {
        return Error::invalid(std::string(k) + ": Input should be a valid number");
      }
      (equals(k, "temperature") ? req.temperature : req.top_p) = *d;
    } else if (equals(k, "top_k")) {
      const auto n = as_uint(v);
      if (!n) {
        return Error::invalid("top_k: Input should be a valid integer");
      }
      req.top_k = *n;
    } else if (equals(k, "stop_sequences")) {
      dom::array arr;
      if (v.get_array().get(arr) != simdjson::SUCCESS) {
        return Error::invalid("stop_sequences: Input should be a valid list");
      }
      req.stop_sequences.reserve(arr.size());
      size_t i = 0;
      for (const dom::element e : arr) {
        std::string_view stop;
        if (e.get_string().get(stop) != simdjson::SUCCESS) {
          return Error::invalid("stop_sequences." + std::to_string(i) +
                                ": Input should be a valid string");
        }
        req.stop_sequences.emplace_back(stop);
        ++i;
      }
    } else if (equals(k, "metadata")) {
      if (v.is_null()) {
        continue;
      }
      dom::object o;
      if (v.get_object().get(o) != simdjson::SUCCESS) {
        return Error::invalid("metadata: Input should be a valid dictionary");
      }
      if (const auto u = find(o, "user_id"); u && !u->is_null()) {
        std::string_view user;
        if (u->get_string().get(user) != simdjson::SUCCESS) {
          return Error::invalid("metadata.user_id: Input should be a valid string");
        }
        req.user_id = std::string(user);
      }
    } else if (equals(k, "tools")) {
      dom::array arr;
      if (v.get_array().get(arr) != simdjson::SUCCESS) {
        return Error::invalid("tools: Input should be a valid list");
      }
      const Path tp{nullptr, "tools", 0};
      req.tools.reserve(arr.size());
      size_t i = 0;
      for (const dom::element e : arr) {
        if (auto err = decode_tool(e, tp.at(i++), req.tools.emplace_back())) {
          return *err;
        }
      }
    } else if (equals(k, "tool_choice")) {
      HEIMDALL_TRY(req.tool_choice, decode_tool_choice(v));
    } else if (equals(k, "thinking")) {
      HEIMDALL_TRY(req.thinking, decode_thinking(v));
    } else if (equals(k, "service_tier")) {
      std::string_view tier;
      if (v.get_string().get(tier) != simdjson::SUCCESS) {
        return Error::invalid("service_tier: Input should be 'auto' or 'standard_only'");
      }
      req.service_tier = std::string(tier);
    } else {
      // context_management, output_config, container, mcp_servers, cache_control, inference_geo, …:
      // replayed verbatim when the request goes back to Anthropic.
      if (equals(k, "output_config")) {
        lift_output_config(v, req);
      }
      req.extra[k] = to_boost(v);
    }
  }
  if (!has_model) {
    return Error::invalid("model: Field required");
  }
  if (!has_max_tokens) {
    return Error::invalid("max_tokens: Field required");
  }
  if (!has_messages) {
    return Error::invalid("messages: Field required");
  }
  return req;
}

}  // namespace

std::string json_error_message(std::string_view text) {
  // Only on the error path: Boost.JSON's wording, which this codec reported before it parsed with
  // simdjson. Numbers beyond the int64/uint64/double ranges are the one thing only simdjson
  // refuses.
  unsigned char initial[4096];
  boost::json::monotonic_resource arena(initial, sizeof initial);
  boost::json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::parse(text, ec, &arena, opts);
  return ec ? ec.message() : std::string("number out of range");
}

schema::Result<CanonicalRequest> decode_request(std::string_view body) {
  const JsonDocument doc(body, kMaxJsonDepth);
  if (!doc.root()) {
    return Error::invalid("invalid JSON body: " + json_error_message(body));
  }
  dom::object o;
  if (doc.root()->get_object().get(o) != simdjson::SUCCESS) {
    return Error::invalid("invalid JSON body: expected a JSON object");
  }
  return decode_object(o);
}

}  // namespace heimdall::dialects::anthropic_detail
