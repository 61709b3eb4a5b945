// Sending one request to a provider: the credential (a caller's direct key or a configured key),
// the headers that travel (x-bf-eh-*, network_config.extra_headers, auth), deadlines from
// network_config, and retries with exponential backoff for transient failures.
#pragma once

#include "engine/runtime.hpp"
#include "http/client.hpp"
#include "http/headers.hpp"
#include "providers/provider.hpp"
#include "schema/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace heimdall::engine {

struct UpstreamRequest {
  const providers::Provider* provider = nullptr;
  std::string model;  // the provider's model name, for key selection
  std::string method = "POST";
  std::string url;
  http::HeaderList headers;  // caller-derived headers; auth and extras are added here
  std::string body;
  bool stream = false;
};

/// The credential for one attempt: the caller's own key when client.allow_direct_keys is on and
/// the caller sent one, else a configured key chosen by weight, else none (keyless local servers).
/// NotFound when the provider has keys but none allows the model.
schema::Result<providers::Credential> pick_credential(const Runtime& runtime,
                                                      const providers::Provider& provider,
                                                      std::string_view model,
                                                      const http::HeaderList& caller_headers);

/// Adds `x-bf-eh-<name>` caller headers as `<name>` (minus the security deny-list) and the
/// provider's configured extra headers.
void add_forwarded_headers(http::HeaderList& out, const http::HeaderList& caller_headers,
                           const providers::Provider& provider);

/// Whether an upstream response header is relayed to the caller (ids, rate-limit and retry hints).
bool is_relayed_response_header(std::string_view name);

/// Sends with retries (network_config.max_retries) on connection failures and retryable statuses
/// (429, 5xx, 529). Returns the last response, error statuses included, for the caller to map.
boost::asio::awaitable<schema::Result<std::unique_ptr<http::ClientResponse>>> send_upstream(
    const Runtime& runtime, UpstreamRequest request, const http::HeaderList& caller_headers);

}  // namespace heimdall::engine
