// The inbound HTTP/1.1 server (see server.hpp). One io_context per worker thread, each with its own
// SO_REUSEPORT acceptor, so a connection and everything it touches stays on one thread. A session
// is one coroutine that owns its socket and buffer (Beast's awaitable example); it reads one
// request, runs the handler, and reads the next only after the response was written, which keeps
// pipelined requests in order. This is one of the few TUs that instantiate Beast's composed
// operations.
#include "http/server.hpp"

#include "http/client.hpp"
#include "http/deadline.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <atomic>
#include <limits>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace heimdall::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::string_view Request::path() const {
  const std::string_view target_view(target);
  return target_view.substr(0, target_view.find('?'));
}

std::string_view Request::query() const {
  const std::string_view target_view(target);
  const size_t mark = target_view.find('?');
  return mark == std::string_view::npos ? std::string_view{} : target_view.substr(mark + 1);
}

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
thread_local bool t_server_worker = false;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// After a response that closes the connection, unread request bytes may still arrive (an oversized
// body); closing with them unread makes the kernel send RST, which can destroy our response before
// the client reads it. So we drain for a short while first ("lingering close", as nginx does).
constexpr std::chrono::milliseconds kLingerTime{500};
constexpr size_t kLingerBytes = 1024 * 1024;

std::string describe_limit(size_t bytes) {
  constexpr size_t kMiB = 1024 * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) {
    return std::to_string(bytes / kMiB) + " MB";
  }
  if (bytes >= kMiB) {
    return std::to_string(static_cast<double>(bytes) / kMiB) + " MB";
  }
  return std::to_string(bytes) + " bytes";
}

// The rejection for a request that failed to parse, or nullopt when the connection just ended
// (peer closed, timeout, reset), in which case nobody is left to answer.
std::optional<Rejection> classify(const error_code& ec, const ServerOptions& options) {
  if (ec.category() != bhttp::make_error_code(bhttp::error::end_of_stream).category()) {
    return std::nullopt;
  }
  switch (static_cast<bhttp::error>(ec.value())) {
    case bhttp::error::end_of_stream:
    case bhttp::error::partial_message:
      return std::nullopt;
    case bhttp::error::body_limit:
      return Rejection{
          413, "request body exceeds the " + describe_limit(options.max_body_bytes) + " limit"};
    case bhttp::error::header_limit:
      return Rejection{431, "request header block exceeds the " +
                                describe_limit(options.max_header_bytes) + " limit"};
    default:
      return Rejection{400, "malformed HTTP request: " + ec.message()};
  }
}

// Sets the status, with reason phrases Beast does not know (it would print "<unknown-status>").
void set_status(bhttp::response_header<>& header, int status) {
  header.result(static_cast<unsigned>(status));
  if (bhttp::int_to_status(static_cast<unsigned>(status)) == bhttp::status::unknown) {
    header.reason(status == 529 ? "Overloaded" : "Unknown");
  }
}

// Fields the session owns: the handler's framing headers would contradict ours.
bool is_framing_header(std::string_view name) {
  return name == "content-length" || name == "transfer-encoding" || name == "connection";
}

// Applies the handler's headers; returns false when the handler asked to close the connection.
bool copy_headers(const HeaderList& from, bhttp::fields& to) {
  bool keep_alive = true;
  for (const auto& [name, value] : from.fields()) {
    if (is_framing_header(name)) {
      if (name == "connection" && iequals(value, "close")) {
        keep_alive = false;
      }
      continue;
    }
    to.insert(name, value);
  }
  return keep_alive;
}

// Registration of a live session with its worker, so stop() can find idle connections and close
// whatever is left when the grace period ends.
struct SessionEntry {
  tcp::socket* socket;
  bool idle = false;
};

}  // namespace

struct Worker {
  std::atomic<size_t> sessions{0};
  std::list<SessionEntry> entries;  // touched only on this worker's thread
  // Declared before the client: pooled upstream sockets must die before their io_context.
  asio::io_context ioc{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::unique_ptr<HttpClient> client;
  std::thread thread;
};

namespace {

// ResponseWriter over a session's socket. Written for one request, then discarded.
class SessionWriter final : public ResponseWriter {
 public:
  SessionWriter(tcp::socket& socket, SocketDeadline& deadline, std::chrono::milliseconds timeout,
                unsigned version, bool keep_alive, bool head)
      : socket_(socket),
        deadline_(deadline),
        timeout_(timeout),
        version_(version),
        keep_alive_(keep_alive),
        head_(head) {}

  asio::awaitable<void> send(int status, HeaderList headers, std::string body) override {
    if (state_ != State::Idle) {
      throw std::logic_error("ResponseWriter::send after the response was started");
    }
    state_ = State::Sent;
    bhttp::response<bhttp::string_body> res;
    res.version(version_);
    set_status(res, status);
    keep_alive_ = copy_headers(headers, res) && keep_alive_;
    res.body() = std::move(body);
    res.keep_alive(keep_alive_);
    res.prepare_payload();
    if (head_) {
      res.body()
          .clear();  // HEAD: the Content-Length of the GET answer, and no body (RFC 9110 §9.3.2)
    }
    deadline_.arm(timeout_);
    auto [ec, n] = co_await bhttp::async_write(socket_, res, kNoThrow);
    deadline_.disarm();
    if (ec) {
      failed_ = true;
    }
  }

  asio::awaitable<bool> start_stream(int status, HeaderList headers) override {
    if (state_ != State::Idle) {
      throw std::logic_error("ResponseWriter::start_stream after the response was started");
    }
    state_ = State::Streaming;
    bhttp::response<bhttp::empty_body> res;
    res.version(version_);
    set_status(res, status);
    keep_alive_ = copy_headers(headers, res) && keep_alive_;
    res.keep_alive(keep_alive_);
    res.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> serializer{res};
    deadline_.arm(timeout_);
    auto [ec, n] = co_await bhttp::async_write_header(socket_, serializer, kNoThrow);
    deadline_.disarm();
    if (ec) {
      failed_ = true;
    }
    co_return !failed_;
  }

  asio::awaitable<bool> write(std::string_view data) override {
    if (state_ != State::Streaming) {
      throw std::logic_error("ResponseWriter::write outside a started stream");
    }
    // An empty chunk would be the terminal chunk: writing nothing is the right meaning of "".
    if (failed_ || data.empty()) {
      co_return !failed_;
    }
    deadline_.arm(timeout_);
    auto [ec, n] = co_await asio::async_write(
        socket_, bhttp::make_chunk(asio::const_buffer(data.data(), data.size())), kNoThrow);
    deadline_.disarm();
    if (ec) {
      failed_ = true;
    }
    co_return !failed_;
  }

  asio::awaitable<void> finish() override {
    if (state_ != State::Streaming) {
      throw std::logic_error("ResponseWriter::finish outside a started stream");
    }
    state_ = State::Finished;
    if (failed_) {
      co_return;
    }
    deadline_.arm(timeout_);
    auto [ec, n] = co_await asio::async_write(socket_, bhttp::make_chunk_last(), kNoThrow);
    deadline_.disarm();
    if (ec) {
      failed_ = true;
    }
  }

  bool started() const override { return state_ != State::Idle; }

  void abort() override {
    aborted_ = true;
    failed_ = true;
    error_code ignored;
    // Linger 0 makes close() send RST: the peer sees a reset, not a clean end.
    socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    socket_.close(ignored);
  }

  // Whether the connection can carry another request after the handler returned.
  bool reusable() const {
    return !failed_ && keep_alive_ && (state_ == State::Sent || state_ == State::Finished);
  }
  bool failed() const { return failed_; }
  bool aborted() const { return aborted_; }
  bool streaming_unfinished() const { return state_ == State::Streaming; }
  void force_close() { keep_alive_ = false; }

 private:
  enum class State { Idle, Sent, Streaming, Finished };
  tcp::socket& socket_;
  SocketDeadline& deadline_;
  std::chrono::milliseconds timeout_;
  unsigned version_;
  bool keep_alive_;
  bool head_;
  State state_ = State::Idle;
  bool failed_ = false;
  bool aborted_ = false;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  std::vector<std::unique_ptr<Worker>> workers;
  uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::mutex join_mutex;  // stop() and wait() may race from different threads
  bool started = false;

  asio::awaitable<void> accept_loop(Worker& worker);
  asio::awaitable<void> session(Worker& worker, tcp::socket socket);
  asio::awaitable<void> linger_close(tcp::socket& socket, beast::flat_buffer& buffer,
                                     SocketDeadline& deadline);
  void join_all();
};

namespace {

// Keeps the worker's session count and registry in step with the session coroutine's life.
class SessionRegistration {
 public:
  SessionRegistration(Worker& worker, tcp::socket& socket) : worker_(worker) {
    worker_.sessions.fetch_add(1, std::memory_order_relaxed);
    it_ = worker_.entries.insert(worker_.entries.end(), SessionEntry{&socket});
  }
  ~SessionRegistration() {
    worker_.entries.erase(it_);
    worker_.sessions.fetch_sub(1, std::memory_order_release);
  }
  SessionRegistration(const SessionRegistration&) = delete;
  SessionRegistration& operator=(const SessionRegistration&) = delete;
  SessionEntry& entry() { return *it_; }

 private:
  Worker& worker_;
  std::list<SessionEntry>::iterator it_;
};

Request make_request(bhttp::request_parser<bhttp::string_body>& parser, bool with_body) {
  Request req;
  auto& msg = parser.get();
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  for (const auto& field : msg) {
    req.headers.add(field.name_string(), field.value());
  }
  if (with_body) {
    req.body = std::move(msg.body());
  }
  return req;
}

}  // namespace

asio::awaitable<void> Server::Impl::accept_loop(Worker& worker) {
  for (;;) {
    auto [ec, socket] = co_await worker.acceptor->async_accept(kNoThrow);
    if (stopping.load(std::memory_order_acquire) || !worker.acceptor->is_open()) {
      co_return;
    }
    if (ec) {
      // EMFILE and friends: back off a little rather than spin; the acceptor stays open.
      spdlog::warn("http server: accept failed: {}", ec.message());
      asio::steady_timer pause(worker.ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    asio::co_spawn(worker.ioc, session(worker, std::move(socket)), [](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::error("http server: session failed: {}", ex.what());
        }
      }
    });
  }
}

asio::awaitable<void> Server::Impl::linger_close(tcp::socket& socket, beast::flat_buffer& buffer,
                                                 SocketDeadline& deadline) {
  error_code ec;
  socket.shutdown(tcp::socket::shutdown_send, ec);
  if (!ec) {
    deadline.arm(kLingerTime);
    size_t drained = 0;
    while (drained < kLingerBytes) {
      buffer.clear();
      auto [rec, n] = co_await socket.async_read_some(buffer.prepare(16 * 1024), kNoThrow);
      if (rec) {
        break;
      }
      drained += n;
    }
    deadline.disarm();
  }
  socket.close(ec);
}

asio::awaitable<void> Server::Impl::session(Worker& worker, tcp::socket socket) {
  SessionRegistration registration(worker, socket);
  SocketDeadline deadline(socket.get_executor(), socket);
  beast::flat_buffer buffer;
  bool first = true;
  try {
    for (;;) {
      // Wait for the request's first bytes while counted as idle, so stop() can close a connection
      // that has no request in flight. Between keep-alive requests this wait has the idle timeout;
      // on a fresh connection the header timeout, which then runs on (not restarted) through the
      // header read, so a slowloris client gets header_timeout from accept. A pipelined request
      // already in the buffer skips the wait.
      const bool first_request = first;
      first = false;
      if (buffer.size() == 0) {
        if (stopping.load(std::memory_order_acquire)) {
          break;
        }
        registration.entry().idle = true;
        deadline.arm(first_request ? options.header_timeout : options.idle_timeout);
        auto [ec, n] = co_await socket.async_read_some(buffer.prepare(4096), kNoThrow);
        registration.entry().idle = false;
        if (ec) {
          break;
        }
        buffer.commit(n);
        if (!first_request) {
          deadline.arm(options.header_timeout);
        }
      } else {
        deadline.arm(options.header_timeout);
      }

      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(
          std::min<size_t>(options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
      parser.body_limit(options.max_body_bytes);

      std::optional<Rejection> rejection;
      auto [hec, hn] = co_await bhttp::async_read_header(socket, buffer, parser, kNoThrow);
      deadline.disarm();
      if (hec) {
        rejection = classify(hec, options);
        if (!rejection) {
          break;
        }
      } else {
        // A client that sent "Expect: 100-continue" waits for this before sending its body (curl
        // does, for large uploads); without it every such request would stall for a second.
        if (!parser.is_done() && iequals(parser.get()[bhttp::field::expect], "100-continue")) {
          constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          auto [cec, cn] = co_await asio::async_write(
              socket, asio::const_buffer(kContinue.data(), kContinue.size()), kNoThrow);
          if (cec) {
            break;
          }
        }
        // The string_body reader reserves the body from Content-Length itself (string_body.hpp,
        // reader::init), so a known-length body is read without regrowth; chunked bodies grow.
        while (!parser.is_done()) {
          deadline.arm(options.body_read_timeout);
          auto [bec, bn] = co_await bhttp::async_read_some(socket, buffer, parser, kNoThrow);
          deadline.disarm();
          if (bec) {
            rejection = classify(bec, options);
            break;
          }
        }
        if (!parser.is_done() && !rejection) {
          break;  // peer gone or body timeout
        }
      }

      Request request = make_request(parser, !rejection);
      request.rejection = std::move(rejection);
      const bool rejected = request.rejection.has_value();
      const auto& msg = parser.get();
      const unsigned version = msg.version() == 10 ? 10 : 11;
      const bool keep_alive =
          !rejected && msg.keep_alive() && !stopping.load(std::memory_order_acquire);
      SessionWriter writer(socket, deadline, options.write_timeout, version, keep_alive,
                           msg.method() == bhttp::verb::head);

      bool handler_threw = false;
      try {
        co_await handler(request, writer);
      } catch (const std::exception& e) {
        spdlog::error("http server: handler for {} {} failed: {}", request.method,
                      std::string_view(request.target).substr(0, 200), e.what());
        handler_threw = true;
      }
      if (writer.aborted()) {
        co_return;
      }
      if (!writer.started()) {
        if (!handler_threw) {
          spdlog::error("http server: handler for {} {} returned without a response",
                        request.method, std::string_view(request.target).substr(0, 200));
        }
        writer.force_close();
        HeaderList headers;
        headers.add("content-type", "text/plain");
        co_await writer.send(500, std::move(headers), "internal error\n");
      } else if (writer.streaming_unfinished()) {
        // The handler gave up mid-stream: closing without the terminal chunk tells the client the
        // body is truncated, which is the truth.
        break;
      }
      if (writer.failed()) {
        break;
      }
      if (!writer.reusable()) {
        co_await linger_close(socket, buffer, deadline);
        co_return;
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("http server: session ended by an unexpected error: {}", e.what());
  }
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void Server::Impl::join_all() {
  std::lock_guard lock(join_mutex);
  for (auto& worker : workers) {
    if (worker->thread.joinable()) {
      worker->thread.join();
    }
  }
}

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

Server::~Server() {
  if (impl_->started && !impl_->stopping.load()) {
    stop(std::chrono::milliseconds(0));
  }
  impl_->join_all();
}

void Server::start() {
  auto& impl = *impl_;
  if (impl.started) {
    throw std::logic_error("http server: start() called twice");
  }
  unsigned count = impl.options.workers;
  if (count == 0) {
    count = std::max(1u, std::thread::hardware_concurrency());
  }
  error_code ec;
  const auto address = asio::ip::make_address(impl.options.host, ec);
  if (ec) {
    throw std::runtime_error("http server: invalid listen address '" + impl.options.host +
                             "': " + ec.message());
  }
  uint16_t port = impl.options.port;
  for (unsigned i = 0; i < count; ++i) {
    auto worker = std::make_unique<Worker>();
    tcp::endpoint endpoint(address, port);
    auto& acceptor = worker->acceptor.emplace(worker->ioc);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.set_option(ReusePort(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("http server: cannot listen on " + impl.options.host + ":" +
                               std::to_string(port) + ": " + ec.message());
    }
    // Port 0: the first acceptor picks the port, the others join it through SO_REUSEPORT.
    port = acceptor.local_endpoint().port();
    worker->client = std::make_unique<HttpClient>(worker->ioc.get_executor());
    worker->work.emplace(worker->ioc.get_executor());
    impl.workers.push_back(std::move(worker));
  }
  impl.port = port;
  impl.started = true;
  for (auto& worker_ptr : impl.workers) {
    Worker& worker = *worker_ptr;
    asio::co_spawn(worker.ioc, impl.accept_loop(worker), [](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::error("http server: accept loop failed: {}", ex.what());
        }
      }
    });
    worker.thread = std::thread([&worker] {
      t_server_worker = true;
      install_worker_client(worker.client.get());
      worker.ioc.run();
      install_worker_client(nullptr);
    });
  }
}

uint16_t Server::port() const { return impl_->port; }

void Server::stop(std::chrono::milliseconds grace) {
  auto& impl = *impl_;
  if (t_server_worker) {
    // stop() joins the workers, so on a worker it would wait for itself forever.
    throw std::logic_error("http server: stop() called from a worker thread");
  }
  if (!impl.started || impl.stopping.exchange(true)) {
    impl.join_all();
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  // Phase 1: no new connections; idle keep-alive connections go now, the rest finish their request.
  for (auto& worker_ptr : impl.workers) {
    Worker& worker = *worker_ptr;
    asio::post(worker.ioc, [&worker] {
      error_code ignored;
      worker.acceptor->close(ignored);
      for (auto& entry : worker.entries) {
        if (entry.idle) {
          entry.socket->close(ignored);
        }
      }
      worker.work.reset();
    });
  }
  auto all_done = [&impl] {
    for (auto& worker : impl.workers) {
      if (worker->sessions.load(std::memory_order_acquire) != 0) {
        return false;
      }
    }
    return true;
  };
  // Polling keeps the workers free of any cross-thread signalling on the hot path; stop() is rare.
  while (!all_done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Phase 2: grace is over; close what remains and give the coroutines a moment to unwind.
  if (!all_done()) {
    for (auto& worker_ptr : impl.workers) {
      Worker& worker = *worker_ptr;
      asio::post(worker.ioc, [&worker] {
        error_code ignored;
        for (auto& entry : worker.entries) {
          entry.socket->close(ignored);
        }
      });
    }
    const auto unwind_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!all_done() && std::chrono::steady_clock::now() < unwind_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  for (auto& worker : impl.workers) {
    worker->ioc.stop();
  }
  impl.join_all();
}

void Server::wait() { impl_->join_all(); }

}  // namespace heimdall::http
