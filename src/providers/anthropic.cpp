#include "providers/anthropic.hpp"

namespace heimdall::providers {

std::optional<std::string> AnthropicProvider::url(Operation op, std::string_view query) const {
  switch (op) {
    case Operation::Generate:
      return with_query(api_root() + "/v1/messages", query);
    case Operation::CountTokens:
      return with_query(api_root() + "/v1/messages/count_tokens", query);
    case Operation::ListModels:
      return with_query(api_root() + "/v1/models", query);
  }
  return std::nullopt;
}

void AnthropicProvider::authorize(http::HeaderList& headers, const Credential& credential) const {
  // Anthropic answers 400 without a version; the SDKs always send 2023-06-01 (anthropic.md §2.4).
  if (!headers.contains("anthropic-version")) headers.add("anthropic-version", "2023-06-01");
  if (credential.value.empty()) return;
  if (credential.bearer) {
    headers.set("authorization", "Bearer " + credential.value);
  } else {
    headers.set("x-api-key", credential.value);
  }
}

bool AnthropicProvider::forwards_caller_header(std::string_view name) const {
  // Bifrost's passthrough whitelist (anthropic.md §1.2), plus what identifies the client to
  // Anthropic — Claude Code's session id and app, the SDK's user agent and x-stainless-* — so the
  // fast path looks upstream like the client talking directly (§7.3). Credentials never pass here.
  return name == "anthropic-version" || name == "anthropic-beta" ||
         name == "anthropic-dangerous-direct-browser-access" || name == "user-agent" ||
         name == "x-app" || name == "x-claude-code-session-id" || name.starts_with("x-stainless-");
}

}  // namespace heimdall::providers
