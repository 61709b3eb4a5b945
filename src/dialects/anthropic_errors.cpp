// Error bodies (anthropic.md §5): `{"type":"error","error":{"type","message"},"request_id"}` with
// the status ↔ type table of §5.2. SDKs branch on error.type, so only documented types are ever
// emitted.
#include "dialects/anthropic_internal.hpp"
#include "dialects/anthropic_json.hpp"
#include "schema/sse_event.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <string>

namespace heimdall::dialects::anthropic_detail {

using schema::Error;
using schema::ErrorCode;

namespace {

struct TypeEntry {
  std::string_view type;
  ErrorCode code;
  bool server_class;  // a 5xx type; the rest are 4xx
};

// Every error.type Anthropic documents (§5.2), with the canonical code it stands for.
constexpr TypeEntry kTypes[] = {
    {"invalid_request_error", ErrorCode::InvalidArgument, false},
    {"authentication_error", ErrorCode::Unauthenticated, false},
    {"billing_error", ErrorCode::BillingRequired, false},
    {"permission_error", ErrorCode::PermissionDenied, false},
    {"not_found_error", ErrorCode::NotFound, false},
    {"conflict_error", ErrorCode::Conflict, false},
    {"request_too_large", ErrorCode::PayloadTooLarge, false},
    {"rate_limit_error", ErrorCode::ResourceExhausted, false},
    {"api_error", ErrorCode::Internal, true},
    {"timeout_error", ErrorCode::DeadlineExceeded, true},
    {"overloaded_error", ErrorCode::Overloaded, true},
};

const TypeEntry* lookup(std::string_view type) {
  for (const auto& e : kTypes) {
    if (e.type == type) {
      return &e;
    }
  }
  return nullptr;
}

// §5.2 by status; anything not listed falls to its class.
std::string_view type_for_status(int status) {
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
    case 409:
      return "conflict_error";
    case 413:
      return "request_too_large";
    case 422:
      return "invalid_request_error";
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

// Cuts at most `max` bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, size_t max) {
  if (s.size() <= max) {
    return s;
  }
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) {
    --n;
  }
  return s.substr(0, n);
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// Reads {type, message} from the shapes providers use: Anthropic's {"error":{type,message}},
// OpenAI's
// {"error":{message,type,code}}, {"error":"text"}, {"message":…}, {"detail":…}.
void read_error_fields(const boost::json::object& root, std::string& type, std::string& message) {
  const boost::json::object* holder = &root;
  if (const auto* e = find(root, "error")) {
    if (const auto* eo = e->if_object()) {
      holder = eo;
    } else if (const auto* es = e->if_string()) {
      message = *es;
      return;
    }
  }
  if (const auto* t = find(*holder, "type"); t != nullptr && t->is_string()) {
    type = t->get_string();
  }
  for (std::string_view key : {"message", "detail"}) {
    if (const auto* m = find(*holder, key); m != nullptr && m->is_string()) {
      message = m->get_string();
      return;
    }
  }
}

}  // namespace

Error error_from_type(std::string_view type, std::string_view message) {
  const TypeEntry* e = lookup(type);
  Error err = Error::make(e != nullptr ? e->code : ErrorCode::Internal, std::string(message));
  err.upstream_type = type;
  return err;
}

Error decode_error(int status, std::string_view body) {
  std::string type, message;
  unsigned char initial[2048];
  boost::json::monotonic_resource arena(initial, sizeof initial);
  boost::json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(body, ec, &arena, opts);
  if (!ec && root.is_object()) {
    read_error_fields(root.get_object(), type, message);
  }
  if (message.empty()) {
    // Not JSON (a proxy's HTML page, plain text) or JSON without a message: show what came,
    // bounded.
    const std::string_view text = utf8_prefix(trim(body), 512);
    message = "upstream returned HTTP " + std::to_string(status);
    if (!text.empty() && (ec || !root.is_object())) {
      message.append(": ").append(text);
    }
  }
  Error err;
  if (status >= 400 && status <= 599) {
    err.code = schema::code_from_status(status);
    err.upstream_status = status;
  } else {
    // No error status to go by (an error body with 2xx): the type is all there is.
    const TypeEntry* e = lookup(type);
    err.code = e != nullptr ? e->code : ErrorCode::BadGateway;
  }
  err.message = std::move(message);
  err.upstream_type = std::move(type);
  return err;
}

std::string_view error_type(const Error& error) {
  const int status = schema::http_status(error);
  const std::string_view by_status = type_for_status(status);
  // A status with a type of its own decides alone: an OpenAI 401 says "invalid_request_error",
  // and an Anthropic SDK must still see authentication_error. Only the generic fallbacks are
  // refined by a documented upstream type of the same class (e.g. overloaded_error on a 503).
  if (by_status != "invalid_request_error" && by_status != "api_error") {
    return by_status;
  }
  if (const TypeEntry* e = lookup(error.upstream_type)) {
    if (e->server_class == (status >= 500)) {
      return e->type;
    }
  }
  return by_status;
}

void write_error_head(JsonWriter& w, const Error& error) {
  w.begin_object();
  w.field("type", "error");
  w.key("error");
  w.begin_object();
  w.field("type", error_type(error));
  w.field("message", error.message);
  w.end_object();
}

std::string encode_error(const Error& error, std::string_view request_id) {
  std::string out;
  out.reserve(128 + error.message.size());
  JsonWriter w(out);
  write_error_head(w, error);
  w.key("request_id");
  if (request_id.empty()) {
    w.null();
  } else {
    w.string(request_id);
  }
  w.end_object();
  return out;
}

std::string encode_stream_error(const Error& error) {
  std::string data;
  JsonWriter w(data);
  write_error_head(w, error);
  w.end_object();
  std::string out;
  out.reserve(data.size() + 24);
  schema::append_sse_frame(out, "error", data);
  return out;
}

}  // namespace heimdall::dialects::anthropic_detail
