// POST /v1/messages request bodies, Anthropic → canonical (anthropic.md §2): validation with
// Anthropic's field paths and wording, unknown members kept in `extra`.
#include "dialects/anthropic_content.hpp"
#include "dialects/anthropic_internal.hpp"
#include "dialects/anthropic_json.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <utility>

namespace heimdall::dialects::anthropic_detail {

using schema::BlockType;
using schema::CanonicalRequest;
using schema::ContentBlock;
using schema::Error;

namespace {

std::optional<std::string> string_or_null(const boost::json::value& v) {
  if (const auto* s = v.if_string()) {
    return std::string(*s);
  }
  return std::nullopt;
}

schema::Result<std::vector<ContentBlock>> decode_system(const boost::json::value& v,
                                                        CanonicalRequest& req) {
  const Path path{nullptr, "system", 0};
  std::vector<ContentBlock> out;
  if (const auto* s = v.if_string()) {
    req.system_is_string = true;
    out.push_back(ContentBlock::make_text(std::string(*s)));
    return out;
  }
  const auto* arr = v.if_array();
  if (arr == nullptr) {
    return wrong_kind(path, "a valid list");
  }
  out.reserve(arr->size());
  for (size_t i = 0; i < arr->size(); ++i) {
    // Blocks are large: they are moved from the result straight into place, not via a local.
    auto block = decode_block((*arr)[i], path.at(i));
    if (!block) {
      return block.error();
    }
    if (block->type != BlockType::Text) {
      return schema::Error::invalid(path.at(i).child("type").str() + ": Input should be 'text'");
    }
    out.push_back(std::move(*block));
  }
  return out;
}

schema::Result<std::vector<schema::Message>> decode_messages(const boost::json::value& v) {
  const Path path{nullptr, "messages", 0};
  const auto* arr = v.if_array();
  if (arr == nullptr) {
    return wrong_kind(path, "a valid list");
  }
  std::vector<schema::Message> out;
  out.reserve(arr->size());
  for (size_t i = 0; i < arr->size(); ++i) {
    const Path mp = path.at(i);
    const auto* mo = (*arr)[i].if_object();
    if (mo == nullptr) {
      return wrong_kind(mp, "a valid dictionary");
    }
    schema::Message msg;
    const auto* role = find(*mo, "role");
    if (role == nullptr) {
      return field_required(mp.child("role"));
    }
    if (const auto* r = role->if_string(); r != nullptr && *r == "user") {
      msg.role = schema::Role::User;
    } else if (r != nullptr && *r == "assistant") {
      msg.role = schema::Role::Assistant;
    } else {
      return Error::invalid(mp.child("role").str() + ": Input should be 'user' or 'assistant'");
    }
    const auto* content = find(*mo, "content");
    if (content == nullptr) {
      return field_required(mp.child("content"));
    }
    if (const auto* s = content->if_string()) {
      msg.content_is_string = true;
      msg.content.push_back(ContentBlock::make_text(std::string(*s)));
    } else if (const auto* blocks = content->if_array()) {
      const Path cp = mp.child("content");
      msg.content.reserve(blocks->size());
      for (size_t j = 0; j < blocks->size(); ++j) {
        auto block = decode_block((*blocks)[j], cp.at(j));
        if (!block) {
          return block.error();
        }
        msg.content.push_back(std::move(*block));
      }
    } else {
      return wrong_kind(mp.child("content"), "a valid list");
    }
    out.push_back(std::move(msg));
  }
  return out;
}

schema::Result<schema::Tool> decode_tool(const boost::json::value& v, const Path& path) {
  const auto* o = v.if_object();
  if (o == nullptr) {
    return wrong_kind(path, "a valid dictionary");
  }
  schema::Tool tool;
  if (const auto* t = find(*o, "type"); t != nullptr && t->is_string()) {
    tool.type = t->get_string();
  }
  const bool custom = tool.type.empty() || tool.type == "custom";
  // Anthropic reports custom-tool fields under the union tag: `tools.3.custom.input_schema`.
  const Path tp = custom ? path.child("custom") : path.child(tool.type);
  const auto* name = find(*o, "name");
  if (name == nullptr) {
    return field_required(tp.child("name"));
  }
  if (!name->is_string()) {
    return wrong_kind(tp.child("name"), "a valid string");
  }
  tool.name = name->get_string();
  for (const auto& kv : *o) {
    const std::string_view k = kv.key();
    const auto& val = kv.value();
    if (k == "type" || k == "name") {
      continue;
    }
    if (k == "cache_control") {
      tool.cache_control = decode_cache_control(val);
    } else if (k == "strict" && val.is_bool()) {
      tool.strict = val.get_bool();
    } else if (custom && k == "description" && val.is_string()) {
      tool.description = val.get_string();
    } else if (custom && k == "input_schema") {
      if (!val.is_object()) {
        return wrong_kind(tp.child("input_schema"), "a valid dictionary");
      }
      tool.input_schema = val;
    } else {
      // Anthropic-defined tools keep their parameters (max_uses, display_width_px, …) here, and
      // newer custom-tool keys (defer_loading, input_examples, …) ride along the same way.
      tool.extra[k] = val;
    }
  }
  if (custom && find(*o, "input_schema") == nullptr) {
    return field_required(tp.child("input_schema"));
  }
  return tool;
}

schema::Result<schema::ToolChoice> decode_tool_choice(const boost::json::value& v) {
  const Path path{nullptr, "tool_choice", 0};
  const auto* o = v.if_object();
  if (o == nullptr) {
    return wrong_kind(path, "a valid dictionary");
  }
  const auto* t = find(*o, "type");
  if (t == nullptr) {
    return Error::invalid("tool_choice: Unable to extract tag using discriminator 'type'");
  }
  schema::ToolChoice tc;
  const std::string_view type = t->is_string() ? std::string_view(t->get_string()) : "";
  if (type == "auto") {
    tc.kind = schema::ToolChoice::Kind::Auto;
  } else if (type == "any") {
    tc.kind = schema::ToolChoice::Kind::Any;
  } else if (type == "tool") {
    tc.kind = schema::ToolChoice::Kind::Tool;
    const auto* name = find(*o, "name");
    if (name == nullptr) {
      return field_required(path.child("tool").child("name"));
    }
    if (!name->is_string()) {
      return wrong_kind(path.child("tool").child("name"), "a valid string");
    }
    tc.name = name->get_string();
  } else if (type == "none") {
    tc.kind = schema::ToolChoice::Kind::None;
  } else {
    return Error::invalid(
        "tool_choice: Input tag '" + std::string(type) +
        "' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', "
        "'none'");
  }
  if (const auto* d = find(*o, "disable_parallel_tool_use"); d != nullptr && d->is_bool()) {
    tc.disable_parallel_tool_use = d->get_bool();
  }
  return tc;
}

schema::Result<schema::Thinking> decode_thinking(const boost::json::value& v) {
  const Path path{nullptr, "thinking", 0};
  const auto* o = v.if_object();
  if (o == nullptr) {
    return wrong_kind(path, "a valid dictionary");
  }
  const auto* t = find(*o, "type");
  if (t == nullptr) {
    return Error::invalid("thinking: Unable to extract tag using discriminator 'type'");
  }
  schema::Thinking th;
  const std::string_view type = t->is_string() ? std::string_view(t->get_string()) : "";
  if (type == "enabled") {
    th.kind = schema::Thinking::Kind::Enabled;
    const auto* b = find(*o, "budget_tokens");
    if (b == nullptr) {
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
  if (const auto* d = find(*o, "display")) {
    th.display = string_or_null(*d);
  }
  return th;
}

// output_config stays in `extra` for a same-dialect replay; its effort and JSON-schema format are
// also lifted into the canonical fields so other dialects can honour them (§6.1 table).
void lift_output_config(const boost::json::value& v, CanonicalRequest& req) {
  const auto* o = v.if_object();
  if (o == nullptr) {
    return;
  }
  if (const auto* e = find(*o, "effort"); e != nullptr && e->is_string()) {
    req.reasoning_effort = std::string(e->get_string());
  }
  const auto* f = find(*o, "format");
  const auto* fo = f != nullptr ? f->if_object() : nullptr;
  if (fo == nullptr) {
    return;
  }
  const auto* ft = find(*fo, "type");
  const auto* schema = find(*fo, "schema");
  if (ft == nullptr || !ft->is_string() || ft->get_string() != "json_schema" || schema == nullptr) {
    return;
  }
  // The canonical response_format uses OpenAI's shape, the common denominator of the dialects.
  boost::json::object js;
  js["name"] = "response";
  js["schema"] = *schema;
  js["strict"] = true;
  boost::json::object rf;
  rf["type"] = "json_schema";
  rf["json_schema"] = std::move(js);
  req.response_format = boost::json::value(std::move(rf));
}

schema::Result<CanonicalRequest> decode_object(const boost::json::object& root) {
  CanonicalRequest req;
  req.origin = schema::Dialect::Anthropic;
  bool has_model = false, has_max_tokens = false, has_messages = false;

  for (const auto& kv : root) {
    const std::string_view k = kv.key();
    const boost::json::value& v = kv.value();
    if (k == "model") {
      if (!v.is_string()) {
        return wrong_kind(Path{nullptr, "model", 0}, "a valid string");
      }
      req.model = v.get_string();
      has_model = true;
    } else if (k == "max_tokens") {
      const auto n = as_int(v);
      if (!n) {
        return Error::invalid("max_tokens: Input should be a valid integer");
      }
      if (*n < 1) {
        return Error::invalid("max_tokens: Input should be greater than or equal to 1");
      }
      req.max_tokens = static_cast<uint64_t>(*n);
      has_max_tokens = true;
    } else if (k == "messages") {
      HEIMDALL_TRY(req.messages, decode_messages(v));
      has_messages = true;
    } else if (v.is_null() && k != "metadata") {
      // pydantic reads an explicit null as "not given" for every optional member.
      continue;
    } else if (k == "system") {
      HEIMDALL_TRY(req.system, decode_system(v, req));
    } else if (k == "stream") {
      if (!v.is_bool()) {
        return Error::invalid("stream: Input should be a valid boolean");
      }
      req.stream = v.get_bool();
    } else if (k == "temperature" || k == "top_p") {
      const auto d = as_number(v);
      if (!d) {
        return Error::invalid(std::string(k) + ": Input should be a valid number");
      }
      (k == "temperature" ? req.temperature : req.top_p) = *d;
    } else if (k == "top_k") {
      const auto n = as_uint(v);
      if (!n) {
        return Error::invalid("top_k: Input should be a valid integer");
      }
      req.top_k = *n;
    } else if (k == "stop_sequences") {
      const auto* arr = v.if_array();
      if (arr == nullptr) {
        return Error::invalid("stop_sequences: Input should be a valid list");
      }
      req.stop_sequences.reserve(arr->size());
      for (size_t i = 0; i < arr->size(); ++i) {
        const auto* s = (*arr)[i].if_string();
        if (s == nullptr) {
          return Error::invalid("stop_sequences." + std::to_string(i) +
                                ": Input should be a valid string");
        }
        req.stop_sequences.emplace_back(*s);
      }
    } else if (k == "metadata") {
      if (v.is_null()) {
        continue;
      }
      const auto* o = v.if_object();
      if (o == nullptr) {
        return Error::invalid("metadata: Input should be a valid dictionary");
      }
      if (const auto* u = find(*o, "user_id"); u != nullptr && !u->is_null()) {
        if (!u->is_string()) {
          return Error::invalid("metadata.user_id: Input should be a valid string");
        }
        req.user_id = std::string(u->get_string());
      }
    } else if (k == "tools") {
      const auto* arr = v.if_array();
      if (arr == nullptr) {
        return Error::invalid("tools: Input should be a valid list");
      }
      const Path tp{nullptr, "tools", 0};
      req.tools.reserve(arr->size());
      for (size_t i = 0; i < arr->size(); ++i) {
        HEIMDALL_TRY(auto tool, decode_tool((*arr)[i], tp.at(i)));
        req.tools.push_back(std::move(tool));
      }
    } else if (k == "tool_choice") {
      HEIMDALL_TRY(req.tool_choice, decode_tool_choice(v));
    } else if (k == "thinking") {
      HEIMDALL_TRY(req.thinking, decode_thinking(v));
    } else if (k == "service_tier") {
      if (!v.is_string()) {
        return Error::invalid("service_tier: Input should be 'auto' or 'standard_only'");
      }
      req.service_tier = std::string(v.get_string());
    } else {
      // context_management, output_config, container, mcp_servers, cache_control, inference_geo, …:
      // replayed verbatim when the request goes back to Anthropic.
      if (k == "output_config") {
        lift_output_config(v, req);
      }
      req.extra[k] = v;
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

schema::Result<CanonicalRequest> decode_request(std::string_view body) {
  // The parse tree lives in one arena freed at return; what the canonical request keeps is copied
  // out (strings into std::string, kept JSON into the default resource).
  unsigned char initial[4096];
  boost::json::monotonic_resource arena(initial, sizeof initial);
  boost::json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(body, ec, &arena, opts);
  if (ec) {
    return Error::invalid("invalid JSON body: " + ec.message());
  }
  const auto* o = root.if_object();
  if (o == nullptr) {
    return Error::invalid("invalid JSON body: expected a JSON object");
  }
  return decode_object(*o);
}

}  // namespace heimdall::dialects::anthropic_detail
