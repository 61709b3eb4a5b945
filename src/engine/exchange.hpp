// Private to engine/: one request/response exchange with the caller, and the replies every path
// shares (headers, errors in the caller's dialect, upstream errors mapped across dialects).
#pragma once

#include "engine/runtime.hpp"
#include "engine/upstream.hpp"
#include "http/client.hpp"
#include "http/server.hpp"
#include "schema/error.hpp"
#include "schema/request.hpp"
#include "schema/usage.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace heimdall::engine {

// Logs itself (one line: id, route, status, latency, tokens; never content) when it ends.
struct Exchange {
  Exchange(http::Request& request, http::ResponseWriter& writer, const Runtime& runtime,
           schema::Dialect caller);
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  http::Request& request;
  http::ResponseWriter& writer;
  const Runtime& runtime;
  schema::Dialect caller;
  std::string request_id;  // minted per exchange
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // Filled in as the request progresses, for the log line.
  std::string provider;
  std::string model;
  int status = 0;
  schema::Usage usage;
};

/// content-type plus the gateway's request id (`request-id`; OpenAI callers also get
/// `x-request-id`, which their SDK reads).
http::HeaderList reply_headers(const Exchange& exchange, std::string_view content_type);

/// The caller's error body and status, or an in-stream error frame when the stream has begun.
boost::asio::awaitable<void> send_error(Exchange& exchange, const schema::Error& error);

/// Reads an upstream error response, maps it through the provider's codec, and answers it in the
/// caller's dialect with the upstream status and its retry hints.
boost::asio::awaitable<void> send_upstream_error(Exchange& exchange,
                                                 schema::Dialect provider_dialect,
                                                 http::ClientResponse& response);

/// Copies the upstream headers a caller should see (ids, rate limits, retry hints).
void relay_response_headers(const http::ClientResponse& response, http::HeaderList& out,
                            bool keep_upstream_ids);

/// A request for a provider of the caller's own dialect: the caller's body, the headers that
/// provider takes from such callers (anthropic-version, anthropic-beta, …), JSON content type.
UpstreamRequest same_dialect_request(const Exchange& exchange, const Route& route,
                                     providers::Operation operation, std::string_view query,
                                     std::string body);

/// Sends upstream; on a transport failure or an error status it answers the caller in its
/// dialect and returns nullptr.
boost::asio::awaitable<std::unique_ptr<http::ClientResponse>> send_or_answer(
    Exchange& exchange, UpstreamRequest upstream);

/// Notes where the request goes, for the log line.
void record_route(Exchange& exchange, const Route& route);

}  // namespace heimdall::engine
