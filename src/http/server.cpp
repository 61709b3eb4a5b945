// The inbound HTTP/1.1 server (see server.hpp). One io_context per worker thread, each with its own
// SO_REUSEPORT acceptor, so a connection and everything it touches stays on one thread. A session
// is one coroutine that owns its socket and buffer (Beast's awaitable example); it reads one
// request, runs the handler, and reads the next only after the response was written, which keeps
// pipelined requests in order. This is one of the few TUs that instantiate Beast's composed
// operations.
#include "http/server.hpp"

#include "http/client.hpp"
#include "http/deadline.hpp"
#include "http/head_fields.hpp"
#include "http/message_reader.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
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
// the client reads it. So we drain for a short while first ("lingering close", as nginx does). SDKs
// send the whole body before reading: the drain must cover a large refused body, bounded by time.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kLingerBytes = 256u << 20;
constexpr size_t kBodyReadBytes = 64 * 1024;

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

// The reason phrase, including ones Beast does not know (it would print "<unknown-status>").
std::string_view reason_phrase(int status) {
  const auto known = bhttp::int_to_status(static_cast<unsigned>(status));
  if (known == bhttp::status::unknown) {
    return status == 529 ? "Overloaded" : "Unknown";
  }
  const auto reason = bhttp::obsolete_reason(known);
  return {reason.data(), reason.size()};
}

// The status line and the handler's headers, serialised by hand: Beast's serializer walks a
// buffers_cat_view of every field on each write, which cost more than the rest of a small
// response. The framing fields come last, as Beast's keep_alive() and prepare_payload() put them.
// `keep_alive` comes in as the session's wish and leaves false when the handler asked to close.
std::string response_head(unsigned version, int status, const HeaderList& headers,
                          bool& keep_alive) {
  std::string out;
  out.reserve(256);
  out.append(std::string_view(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 "));
  out.append(std::to_string(status));
  out.push_back(' ');
  out.append(reason_phrase(status));
  out.append(std::string_view("\r\n"));
  for (const auto& [name, value] : headers.fields()) {
    if (is_framing_header(name)) {
      if (name == std::string_view("connection") && iequals(value, "close")) {
        keep_alive = false;
      }
      continue;
    }
    append_field(out, name, value);
  }
  if (version == 10 && keep_alive) {
    append_field(out, "Connection", "keep-alive");
  } else if (version != 10 && !keep_alive) {
    append_field(out, "Connection", "close");
  }
  return out;
}

// "<size in hex>\r\n": the framing before one chunk (RFC 9112 §7.1).
struct ChunkHeader {
  explicit ChunkHeader(size_t size) {
    auto [end, ec] = std::to_chars(text.data(), text.data() + text.size() - 2, size, 16);
    *end++ = '\r';
    *end++ = '\n';
    length = static_cast<size_t>(end - text.data());
  }
  asio::const_buffer buffer() const { return {text.data(), length}; }
  std::array<char, 2 * sizeof(size_t) + 2> text;
  size_t length;
};

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";

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
  // One thread runs it and nothing else touches its sockets (stop() posts to it): the reactor
  // needs no per-socket locking.
  asio::io_context ioc{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> housekeeping;
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
    std::string head = response_head(version_, status, headers, keep_alive_);
    append_field(head, "Content-Length", std::to_string(body.size()));
    head.append(kCrlf);
    // HEAD: the Content-Length of the GET answer, and no body (RFC 9110 §9.3.2).
    const std::array<asio::const_buffer, 2> buffers{
        asio::buffer(head), asio::const_buffer(body.data(), head_ ? 0 : body.size())};
    size_t written = 0;
    if (!write_now(buffers, written)) {
      co_await write_rest(buffers, written);
    }
  }

  asio::awaitable<bool> start_stream(int status, HeaderList headers) override {
    if (state_ != State::Idle) {
      throw std::logic_error("ResponseWriter::start_stream after the response was started");
    }
    state_ = State::Streaming;
    std::string head = response_head(version_, status, headers, keep_alive_);
    append_field(head, "Transfer-Encoding", "chunked");
    head.append(kCrlf);
    const auto buffer = asio::buffer(head);
    size_t written = 0;
    if (!write_now(buffer, written)) {
      co_await write_rest(buffer, written);
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
    const ChunkHeader size(data.size());
    const std::array<asio::const_buffer, 3> buffers{
        size.buffer(), asio::const_buffer(data.data(), data.size()), asio::buffer(kCrlf)};
    // The common case inline (a relayed stream writes once per upstream read): the kernel takes
    // the whole chunk, and the write costs one sendmsg, no suspension and no deadline.
    size_t written = 0;
    if (write_now(buffers, written)) {
      co_return !failed_;
    }
    co_await write_rest(buffers, written);
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
    const auto buffer = asio::buffer(kLastChunk);
    size_t written = 0;
    if (!write_now(buffer, written)) {
      co_await write_rest(buffer, written);
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
  // The first attempt of a write: one sendmsg on the session's non-blocking socket, none while
  // another write is in flight (it goes first). True when it is over (all taken, or the connection
  // failed); `written` is what the kernel took. The callers await write_rest() only when false,
  // so a write the kernel takes at once costs no coroutine frame.
  template <class Buffers>
  bool write_now(const Buffers& buffers, size_t& written) {
    written = 0;
    if (writing_) {
      return false;
    }
    error_code ec;
    written = socket_.write_some(buffers, ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
      failed_ = true;
      return true;
    }
    return written == asio::buffer_size(buffers);
  }

  // What the kernel did not take at once, under the write deadline. Two coroutines may write to a
  // stream (a relay and its keep-alive pings): a write waits for one in flight, so their bytes
  // never interleave.
  template <class Buffers>
  asio::awaitable<void> write_rest(const Buffers& buffers, size_t written) {
    while (writing_) {
      // The write in flight may take until the write deadline (a client that reads slowly): sleep
      // until it ends and cancels this wait, rather than poll.
      if (!write_done_) {
        write_done_.emplace(socket_.get_executor(), asio::steady_timer::time_point::max());
      }
      co_await write_done_->async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (failed_) {
      co_return;
    }
    beast::buffers_suffix<Buffers> rest(buffers);
    rest.consume(written);
    writing_ = true;
    deadline_.arm(timeout_);
    auto [ec, n] = co_await asio::async_write(socket_, rest, kNoThrow);
    deadline_.disarm();
    writing_ = false;
    if (write_done_) {
      write_done_->cancel();
    }
    if (ec) {
      failed_ = true;
    }
  }

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
  bool writing_ = false;                          // an asynchronous write is in flight
  std::optional<asio::steady_timer> write_done_;  // writes waiting for it sleep here
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

// Parses a request straight into a Request. Beast's own parser would first store the fields in
// its fields container (an allocation and a tree insert per field) for us to copy them again. The
// body is reserved from Content-Length.
class RequestParser final : public bhttp::basic_parser<true> {
 public:
  explicit RequestParser(Request& request) : request_(request) {}

  bool head() const { return verb_ == bhttp::verb::head; }
  unsigned version() const { return version_; }

 private:
  void on_request_impl(bhttp::verb method, beast::string_view method_str, beast::string_view target,
                       int version, error_code&) override {
    verb_ = method;
    version_ = version == 10 ? 10 : 11;
    request_.method.assign(method_str.data(), method_str.size());
    request_.target.assign(target.data(), target.size());
  }
  void on_response_impl(int, beast::string_view, int, error_code&) override {}
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value,
                     error_code&) override {
    request_.headers.add({name.data(), name.size()}, {value.data(), value.size()});
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length) {
      // body_limit() has already refused a length above max_body_bytes.
      request_.body.reserve(static_cast<size_t>(*length));
    }
  }
  size_t on_body_impl(beast::string_view body, error_code&) override {
    request_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    request_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  Request& request_;
  bhttp::verb verb_ = bhttp::verb::unknown;
  unsigned version_ = 11;
};

}  // namespace

namespace {

// Runs `task` every `interval` on the worker's thread until stop() cancels the timer.
asio::awaitable<void> housekeeping_loop(Worker& worker, std::function<void()> task,
                                        std::chrono::milliseconds interval) {
  auto& timer = worker.housekeeping.emplace(worker.ioc);
  for (;;) {
    timer.expires_after(interval);
    auto [ec] = co_await timer.async_wait(kNoThrow);
    if (ec) co_return;
    task();
  }
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
  // Responses are first written with a plain send that must not block (SessionWriter::write_now).
  error_code mode_error;
  socket.non_blocking(true, mode_error);
  if (mode_error) {
    co_return;
  }
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
        if (buffer.capacity() > kBodyReadBytes) {
          buffer.shrink_to_fit();  // an idle connection does not keep a large body's room
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

      Request request;
      RequestParser parser(request);
      parser.header_limit(static_cast<std::uint32_t>(
          std::min<size_t>(options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
      parser.body_limit(options.max_body_bytes);

      std::optional<Rejection> rejection;
      auto hec = parse_buffered(parser, buffer, true);
      while (!hec && !parser.is_header_done()) {
        auto [ec, n] = co_await socket.async_read_some(
            buffer.prepare(beast::read_size(buffer, kBodyReadBytes)), kNoThrow);
        hec = parse_received(parser, buffer, ec, n, true);
      }
      deadline.disarm();
      if (hec) {
        rejection = classify(hec, options);
        if (!rejection) {
          break;
        }
      } else {
        // A client that sent "Expect: 100-continue" waits for this before sending its body (curl
        // does, for large uploads); without it every such request would stall for a second.
        if (!parser.is_done() &&
            iequals(request.headers.get("expect").value_or(""), "100-continue")) {
          constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          auto [cec, cn] = co_await asio::async_write(
              socket, asio::const_buffer(kContinue.data(), kContinue.size()), kNoThrow);
          if (cec) {
            break;
          }
        }
        auto bec = parse_buffered(parser, buffer, false);
        while (!bec && !parser.is_done()) {
          // A read takes no more than the buffer's free room (4 KB after a head): room for a large
          // body's next 64 KB makes 1 MB 16 reads instead of 256.
          if (auto left = parser.content_length_remaining()) {
            buffer.reserve(buffer.size() +
                           static_cast<size_t>(std::min<std::uint64_t>(*left, kBodyReadBytes)));
          }
          deadline.arm(options.body_read_timeout);
          auto [ec, n] = co_await socket.async_read_some(
              buffer.prepare(beast::read_size(buffer, kBodyReadBytes)), kNoThrow);
          deadline.disarm();
          bec = parse_received(parser, buffer, ec, n, false);
        }
        if (bec) {
          rejection = classify(bec, options);
        }
        if (!parser.is_done() && !rejection) {
          break;  // peer gone or body timeout
        }
      }

      if (rejection) {
        // The handler sees no part of a refused body.
        request.body.clear();
      }
      request.rejection = std::move(rejection);
      const bool rejected = request.rejection.has_value();
      const bool keep_alive =
          !rejected && parser.keep_alive() && !stopping.load(std::memory_order_acquire);
      SessionWriter writer(socket, deadline, options.write_timeout, parser.version(), keep_alive,
                           parser.head());

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
    if (impl.options.worker_housekeeping) {
      asio::co_spawn(worker.ioc,
                     housekeeping_loop(worker, impl.options.worker_housekeeping,
                                       impl.options.housekeeping_interval),
                     asio::detached);
    }
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
      if (worker.housekeeping) worker.housekeeping->cancel();
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
