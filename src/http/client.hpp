// The outbound HTTP/1.1 client: keep-alive connection pools per origin, one client per worker (no
// locks), HTTPS with certificate verification against the system CA store and SNI, plain HTTP for
// local upstreams, connect / first-byte / idle deadlines, chunked and content-length bodies, and
// response bodies readable as a stream (for SSE relay).
#pragma once

#include "http/headers.hpp"
#include "schema/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace heimdall::http {

struct ClientTimeouts {
  std::chrono::milliseconds connect{10'000};
  // From the request's last byte to the response's status line.
  std::chrono::milliseconds first_byte{300'000};
  // Between two reads of the response body (streams may pause while a model thinks).
  std::chrono::milliseconds idle{300'000};
};

struct ClientRequest {
  std::string method = "POST";
  std::string url;  // absolute: http://host:port/path?query or https://…
  HeaderList headers;
  std::string body;
  ClientTimeouts timeouts;
};

/// An upstream response whose body is read incrementally. Destroying it before the body is fully
/// read closes the connection (that is how a stream is cancelled); a fully read keep-alive response
/// returns its connection to the pool.
class ClientResponse {
 public:
  virtual ~ClientResponse() = default;
  virtual int status() const = 0;
  virtual const HeaderList& headers() const = 0;
  /// The next piece of the body (chunk framing removed). An empty view means the body is complete.
  /// The view is valid until the next call.
  virtual boost::asio::awaitable<schema::Result<std::string_view>> read_some() = 0;
  /// The rest of the body, failing with PayloadTooLarge past `limit` bytes.
  virtual boost::asio::awaitable<schema::Result<std::string>> read_all(size_t limit) = 0;
  /// Closes the connection: a pending read fails at once, and so do later ones. For a relay whose
  /// caller has gone while it waits on the upstream.
  virtual void cancel() = 0;
};

struct ClientOptions {
  // Per worker. As high as the concurrency a worker sees: a pool smaller than the requests in
  // flight closes a connection after each answer and opens a new one for the next request (at 512
  // concurrent requests a cap of 64 cost a third of the throughput in TIME_WAIT churn).
  size_t max_idle_per_origin = 1024;
  bool verify_tls = true;
  // A pooled connection unused for this long is dropped rather than reused.
  std::chrono::milliseconds pool_idle{30'000};
  // A pooled connection idle at least this long is probed (a non-blocking MSG_PEEK recv) before
  // reuse; a younger one is trusted without the syscall: servers close idle keep-alive
  // connections after seconds, and one that died anyway is retried once (stale_retries).
  std::chrono::milliseconds probe_idle_after{1'000};
  // Added for tests and private CAs: PEM certificates trusted in addition to the system store.
  std::string extra_ca_pem;
};

/// Connection counters of one client (added: lets tests and metrics see pool reuse).
struct ClientStats {
  uint64_t connections_opened = 0;  // fresh TCP (and TLS) connections established
  uint64_t connections_reused = 0;  // requests sent on a pooled connection
  uint64_t stale_retries = 0;       // pooled connections found dead and replaced by a fresh one
};

class HttpClient {
 public:
  HttpClient(boost::asio::any_io_executor executor, ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends the request (reusing a pooled connection when one is idle; a stale pooled connection is
  /// retried once on a fresh one) and returns once the status line and headers arrived.
  /// Errors: Unavailable (connect refused / reset before any byte), DeadlineExceeded (a timeout),
  /// BadGateway (malformed response), InvalidArgument (bad URL).
  boost::asio::awaitable<schema::Result<std::unique_ptr<ClientResponse>>> send(
      ClientRequest request);

  /// Added: counters since construction. Same thread as send().
  ClientStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The HttpClient of the worker thread that runs the calling coroutine. The server creates one per
/// worker; tools that run their own io_context call `install_worker_client` on that thread first.
HttpClient& worker_client();
void install_worker_client(HttpClient* client);

}  // namespace heimdall::http
