#include "mock_service.hpp"

#include "anthropic_mock.hpp"
#include "openai_mock.hpp"
#include "triggers.hpp"

namespace heimdall::mock {

namespace {

constexpr std::string_view kModelsPrefix = "/v1/models/";

// count_tokens and models have no prompt to read: only the x-mock-* headers (status, delay, reset)
// act.
MockResponse with_header_triggers(const MockRequest& req, Dialect dialect, MockResponse&& answer) {
  Triggers t;
  t.add_headers(req.headers);
  MockResponse r = std::move(answer);
  if (t.status && *t.status >= 400) {
    const std::string message = "mock error " + std::to_string(*t.status);
    r = dialect == Dialect::Anthropic ? anthropic::error(*t.status, message, t.retry_after_s)
                                      : openai::error(*t.status, message, t.retry_after_s);
  }
  r.delay = t.delay;
  r.reset_before = t.reset_before;
  return r;
}

MockResponse json_ok(std::string body) {
  MockResponse r;
  r.headers.emplace_back("content-type", "application/json");
  r.body = std::move(body);
  return r;
}

}  // namespace

Dialect MockService::dialect_of(const MockRequest& req) {
  const std::string_view path = req.path();
  if (path.starts_with("/v1/messages")) {
    return Dialect::Anthropic;
  }
  if (path.starts_with("/v1/chat/")) {
    return Dialect::OpenAi;
  }
  return req.header("anthropic-version") ? Dialect::Anthropic : Dialect::OpenAi;
}

MockResponse MockService::error_for(const MockRequest& req, int status, std::string_view message) {
  if (dialect_of(req) == Dialect::Anthropic) {
    return anthropic::error(status, message);
  }
  return openai::error(status, message);
}

MockResponse MockService::handle(const MockRequest& req) {
  std::string_view path = req.path();
  while (path.size() > 1 && path.back() == '/') {
    path.remove_suffix(1);
  }
  const std::string_view method = req.method;
  if (path == "/health" && method == "GET") {
    return json_ok(R"({"status":"ok"})");
  }
  if (path == "/__requests") {
    if (method == "GET") {
      return json_ok(log_.to_json());
    }
    if (method == "DELETE") {
      log_.clear();
      return json_ok(R"({"status":"ok"})");
    }
  }
  log_.record(req);

  const Dialect dialect = dialect_of(req);
  enum class Route { None, Messages, CountTokens, Chat, Models };
  Route route = Route::None;
  std::string_view model_id;
  if (method == "POST" && path == "/v1/messages") {
    route = Route::Messages;
  } else if (method == "POST" && path == "/v1/messages/count_tokens") {
    route = Route::CountTokens;
  } else if (method == "POST" && path == "/v1/chat/completions") {
    route = Route::Chat;
  } else if (method == "GET" && path == "/v1/models") {
    route = Route::Models;
  } else if (method == "GET" && path.starts_with(kModelsPrefix) &&
             path.size() > kModelsPrefix.size()) {
    route = Route::Models;
    model_id = path.substr(kModelsPrefix.size());
  }
  if (route == Route::None) {
    const std::string message =
        "Route " + std::string(method) + " " + std::string(path) + " not found";
    if (dialect == Dialect::Anthropic) {
      return anthropic::error(404, message);
    }
    return openai::error(404, message, std::nullopt, "unknown_url");
  }

  if (dialect == Dialect::Anthropic) {
    const auto key = anthropic::api_key(req);
    if (!key) {
      return anthropic::error(401, "x-api-key header is required");
    }
    switch (route) {
      case Route::Messages:
        return anthropic::messages(req, *key);
      case Route::CountTokens:
        return with_header_triggers(req, dialect, anthropic::count_tokens(req));
      default:
        return with_header_triggers(req, dialect, anthropic::models(model_id));
    }
  }
  const auto key = openai::api_key(req);
  if (!key) {
    return openai::error(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization "
        "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
  }
  if (route == Route::Chat) {
    return openai::chat_completions(req, *key);
  }
  return with_header_triggers(req, dialect, openai::models(model_id));
}

}  // namespace heimdall::mock
