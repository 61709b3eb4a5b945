// tools/mock-provider/anthropic_mock.hpp
// The Anthropic Messages side of the mock: /v1/messages (JSON and SSE), count_tokens, models and
// Anthropic-shaped errors, rendered from a ReplyPlan. Called by MockService for Anthropic routes.
#pragma once

#include "mock_response.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace heimdall::mock::anthropic {

/// The caller's key: `x-api-key`, else the bearer token; nullopt when neither is present.
std::optional<std::string_view> api_key(const MockRequest& req);

/// POST /v1/messages.
MockResponse messages(const MockRequest& req, std::string_view key);
/// POST /v1/messages/count_tokens.
MockResponse count_tokens(const MockRequest& req);
/// GET /v1/models (id empty) or /v1/models/{id}.
MockResponse models(std::string_view id);

/// The Anthropic error type for an HTTP status (529 overloaded_error, 429 rate_limit_error, …).
std::string_view error_type(int status);
/// `{"type":"error","error":{"type","message"},"request_id"}` with a request-id header; 429 carries
/// retry-after (2 unless `retry_after_s`), 503 and 529 only when `retry_after_s` is set.
MockResponse error(int status, std::string_view message,
                   std::optional<int> retry_after_s = std::nullopt);

}  // namespace heimdall::mock::anthropic
