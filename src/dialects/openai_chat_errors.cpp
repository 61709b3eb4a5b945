// OpenAI error bodies ↔ canonical errors. OpenAI's SDKs decide retries from the HTTP status alone
// (openai-node `shouldRetry`: 408, 409, 429, ≥500), so the body's `type` is informational: we use
// OpenAI's own words where it has them and "api_error" for every 5xx (OpenAI itself says
// "server_error"; both are accepted by every client we know).
#include "dialects/openai_chat_internal.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace heimdall::dialects::openai_chat {

namespace json = boost::json;
using schema::Error;
using schema::ErrorCode;

namespace {

// For errors that arrive without a status (an error chunk inside a 200 stream): the type decides.
ErrorCode code_from_type(std::string_view type) {
  if (type.find("rate_limit") != std::string_view::npos || type == "insufficient_quota") {
    return ErrorCode::ResourceExhausted;
  }
  if (type.find("overloaded") != std::string_view::npos) {
    return ErrorCode::Overloaded;
  }
  if (type == "invalid_request_error" || type == "invalid_request") {
    return ErrorCode::InvalidArgument;
  }
  if (type.find("authentication") != std::string_view::npos || type == "invalid_api_key") {
    return ErrorCode::Unauthenticated;
  }
  if (type == "permission_error") {
    return ErrorCode::PermissionDenied;
  }
  if (type == "not_found_error" || type == "model_not_found") {
    return ErrorCode::NotFound;
  }
  if (type == "server_error" || type == "api_error") {
    return ErrorCode::Internal;
  }
  return ErrorCode::BadGateway;
}

std::string trimmed(std::string_view body) {
  constexpr size_t kMax = 256;
  while (!body.empty() && (body.front() == ' ' || body.front() == '\n' || body.front() == '\r')) {
    body.remove_prefix(1);
  }
  while (!body.empty() && (body.back() == ' ' || body.back() == '\n' || body.back() == '\r')) {
    body.remove_suffix(1);
  }
  return std::string(body.substr(0, kMax));
}

}  // namespace

Error decode_error(int status, std::string_view body) {
  Error e;
  if (status > 0) {
    e.code = schema::code_from_status(status);
    e.upstream_status = status;
  }
  unsigned char buffer[4096];
  json::monotonic_resource mr(buffer);
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  // {"error":{…}} is OpenAI's shape; some compatible servers send [{"error":{…}}] (Gemini) or a
  // bare
  // {"message":…} / {"error":"text"}.
  if (!ec && root.is_array() && !root.get_array().empty()) {
    json::value first = root.get_array().front();
    root = std::move(first);
  }
  const json::object* err = nullptr;
  if (!ec && root.is_object()) {
    const json::object& o = root.get_object();
    err = get_object(o, "error");
    if (err == nullptr) {
      if (auto text = get_string(o, "error")) {
        e.message = std::string(*text);
      } else {
        err = &o;
      }
    }
  }
  if (err != nullptr) {
    if (auto message = get_string(*err, "message")) {
      e.message = std::string(*message);
    }
    if (auto type = get_string(*err, "type"); type && !type->empty()) {
      e.upstream_type = std::string(*type);
    } else if (auto code = get_string(*err, "code"); code && !code->empty()) {
      e.upstream_type = std::string(*code);
    } else if (auto status_word = get_string(*err, "status")) {
      e.upstream_type = std::string(*status_word);  // Google's "RESOURCE_EXHAUSTED" style
    }
  }
  if (e.message.empty()) {
    std::string text = ec ? trimmed(body) : std::string();
    e.message = text.empty() ? "upstream returned HTTP " + std::to_string(status)
                             : "upstream error: " + text;
  }
  if (status <= 0) {
    e.code = code_from_type(e.upstream_type);
  }
  return e;
}

json::object error_object(const Error& error, json::storage_ptr sp) {
  int status = schema::http_status(error);
  std::string_view type = "invalid_request_error";
  json::value code(nullptr, sp);
  if (status == 401) {
    type = "authentication_error";
    code = "invalid_api_key";
  } else if (status == 402) {
    type = "insufficient_quota";
    code = "insufficient_quota";
  } else if (status == 403) {
    type = "permission_error";
  } else if (status == 404) {
    type = "not_found_error";
    if (error.message.find("model") != std::string::npos) {
      code = "model_not_found";
    }
  } else if (status == 429) {
    type = "rate_limit_error";
    code = "rate_limit_exceeded";
  } else if (status >= 500) {
    type = "api_error";
  }
  json::object o(sp);
  o["message"] = error.message;
  o["type"] = type;
  o["param"] = nullptr;
  o["code"] = std::move(code);
  return o;
}

std::string encode_error(const Error& error) {
  unsigned char buffer[1024];
  json::monotonic_resource mr(buffer);
  json::object body(&mr);
  body["error"] = error_object(error, &mr);
  return json::serialize(body);
}

std::string encode_stream_error(const Error& error) {
  std::string out = "data: ";
  out.append(encode_error(error));
  out.append("\n\n");
  return out;
}

}  // namespace heimdall::dialects::openai_chat
