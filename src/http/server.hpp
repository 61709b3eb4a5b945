// The inbound HTTP/1.1 server: one io_context per worker thread (SO_REUSEPORT acceptor each), C++20
// coroutine sessions, keep-alive, pipelining-safe, header/body limits and read deadlines at the
// edge. Used by main.cpp (the gateway) and tools/mock-provider. It knows nothing about LLMs: every
// request goes to one Handler, including requests the server rejected (then `Request::rejection` is
// set and the handler answers in the caller's dialect).
#pragma once

#include "http/headers.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: pick a free port (see Server::port())
  unsigned workers = 0;  // 0: one per hardware thread
  size_t max_header_bytes = 64 * 1024;
  size_t max_body_bytes = 100 * 1024 * 1024;
  // A client must deliver the complete header block within this time (slowloris guard).
  std::chrono::milliseconds header_timeout{10'000};
  // …and each body read must progress within this time.
  std::chrono::milliseconds body_read_timeout{30'000};
  // A keep-alive connection with no request in flight is closed after this.
  std::chrono::milliseconds idle_timeout{60'000};
  // Added: each response write must complete within this time; a client that stopped reading is
  // dropped (write() returns false) instead of holding its handler and upstream forever.
  std::chrono::milliseconds write_timeout{60'000};
  // Added: run on every worker thread each housekeeping_interval, when set. The gateway returns
  // freed memory to the OS with it: an allocator only trims on its own allocation calls, so a
  // worker that goes idle after a burst of 1 MB bodies kept 130 MB it no longer used.
  std::function<void()> worker_housekeeping;
  std::chrono::milliseconds housekeeping_interval{1'000};
};

// Why the server refused a request before the handler saw its body.
struct Rejection {
  int status;  // 413 body too large, 431 headers too large, 400 malformed
  std::string message;
};

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // path and query as received
  HeaderList headers;  // names lower-case, in the order received
  std::string body;
  std::optional<Rejection> rejection;

  std::string_view path() const;   // target without the query string
  std::string_view query() const;  // after '?', empty when none
};

/// How a handler answers. Exactly one of: send(), or start_stream() + write()* + finish().
/// Lives on the session's worker; use it only from that worker's coroutines.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  /// A complete response with Content-Length.
  virtual boost::asio::awaitable<void> send(int status, HeaderList headers, std::string body) = 0;
  /// Sends the status line and headers of a chunked response. False when the client is gone.
  virtual boost::asio::awaitable<bool> start_stream(int status, HeaderList headers) = 0;
  /// Sends one chunk and flushes it. False when the client is gone (stop producing). Two
  /// coroutines of one stream may write (a relay and its keep-alive pings): a write that finds
  /// another in flight waits for it, so chunks never interleave.
  virtual boost::asio::awaitable<bool> write(std::string_view data) = 0;
  /// Ends the chunked body.
  virtual boost::asio::awaitable<void> finish() = 0;
  virtual bool started() const = 0;
  /// Drops the connection at once with no further bytes (no terminal chunk): how the mock provider
  /// simulates a reset, and how a handler gives up on a client that broke the protocol.
  virtual void abort() = 0;
};

using Handler = std::function<boost::asio::awaitable<void>(Request&, ResponseWriter&)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds (throws std::runtime_error with a clear message when it cannot) and starts the worker
  /// threads; returns at once.
  void start();
  /// The bound port (useful with port 0). Valid after start().
  uint16_t port() const;
  /// Stops accepting, lets in-flight requests and streams finish for up to `grace`, then closes
  /// what remains and joins the workers. Safe to call from any thread, including a signal watcher.
  void stop(std::chrono::milliseconds grace);
  /// Blocks until the workers have exited (after stop()).
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace heimdall::http
