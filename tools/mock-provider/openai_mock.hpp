// tools/mock-provider/openai_mock.hpp
// The OpenAI Chat Completions side of the mock: /v1/chat/completions (JSON and SSE chunks ending in
// `data: [DONE]`), models and OpenAI-shaped errors, rendered from a ReplyPlan. Called by
// MockService.
#pragma once

#include "mock_response.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace heimdall::mock::openai {

/// The bearer token of `authorization`; nullopt when absent.
std::optional<std::string_view> api_key(const MockRequest& req);

/// POST /v1/chat/completions.
MockResponse chat_completions(const MockRequest& req, std::string_view key);
/// GET /v1/models (id empty) or /v1/models/{id}.
MockResponse models(std::string_view id);

/// `{"error":{"message","type","param":null,"code"}}` with an x-request-id header; the type and
/// code follow the status (401 invalid_api_key, 429 rate_limit_exceeded, 5xx server_error, …).
/// `code` overrides the code. 429 carries retry-after (2 unless `retry_after_s`), 503 and 529 only
/// when set.
MockResponse error(int status, std::string_view message,
                   std::optional<int> retry_after_s = std::nullopt,
                   std::optional<std::string_view> code = std::nullopt);

}  // namespace heimdall::mock::openai
