// The outbound HTTP/1.1 client (see client.hpp). Everything here runs on one worker: the pool is a
// plain map, the counters plain integers. A response owns its connection while the caller reads the
// body; a fully read keep-alive response hands the connection back to the pool when it is
// destroyed. This is one of the few TUs that instantiate Beast's composed operations.
#include "http/client.hpp"

#include "http/deadline.hpp"
#include "http/head_fields.hpp"
#include "http/message_reader.hpp"

#include <openssl/ssl.h>
#include <sys/socket.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <cerrno>
#include <deque>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace heimdall::http {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using schema::Error;
using schema::ErrorCode;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kMaxResponseHeaderBytes = 64 * 1024;
constexpr size_t kMaxReadSize = 64 * 1024;  // per body read, as Beast's http::async_read_some
// Parsed upstream URLs kept per client; a gateway calls a handful of endpoints.
constexpr size_t kMaxCachedOrigins = 256;
// Beast reads as much as the buffer has room for, and an empty flat_buffer only has 512 bytes:
// without this an answer of a few KB took one recv (and one trip through epoll) per 512 bytes.
constexpr size_t kReadBuffer = 8 * 1024;
constexpr size_t kMaxIdleBuffer = 64 * 1024;

thread_local HttpClient* t_worker_client = nullptr;

struct Origin {
  bool tls = false;
  std::string host;         // for the resolver, SNI and certificate checks (no brackets)
  std::string port;         // decimal, for the resolver
  std::string host_header;  // as the Host field wants it
  std::string target;       // path and query
  std::string key;          // pool key: scheme, host and port
};

schema::Result<Origin> parse_origin(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return Error::invalid("invalid upstream URL: " + parsed.error().message());
  }
  const auto& u = *parsed;
  Origin origin;
  if (u.scheme_id() == boost::urls::scheme::https) {
    origin.tls = true;
  } else if (u.scheme_id() != boost::urls::scheme::http) {
    return Error::invalid("unsupported upstream URL scheme '" + std::string(u.scheme()) + "'");
  }
  origin.host = u.host_address();
  if (origin.host.empty()) {
    return Error::invalid("upstream URL has no host");
  }
  const uint16_t port = u.has_port() ? u.port_number() : (origin.tls ? 443 : 80);
  if (port == 0) {
    return Error::invalid("upstream URL has an invalid port");
  }
  origin.port = std::to_string(port);
  origin.host_header = std::string(u.encoded_host_and_port());
  origin.target = std::string(u.encoded_target());
  if (origin.target.empty() || origin.target.front() != '/') {
    origin.target.insert(0, "/");
  }
  origin.key = (origin.tls ? "https://" : "http://") + origin.host + ":" + origin.port;
  return origin;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// One upstream connection, plain or TLS. Heap-allocated and never moved, because its deadline
// points at its socket.
struct Connection {
  Connection(const asio::any_io_executor& executor, std::shared_ptr<ssl::context> context)
      : plain(executor),
        tls_context(std::move(context)),
        tls(tls_context ? std::make_unique<ssl::stream<tcp::socket>>(executor, *tls_context)
                        : nullptr),
        deadline(executor, tls ? tls->next_layer() : plain) {
    buffer.reserve(kReadBuffer);
  }

  tcp::socket& socket() { return tls ? tls->next_layer() : plain; }

  // Runs `op` on whichever stream this connection is; both branches yield the same awaitable type.
  template <class Op>
  auto with_stream(Op&& op) {
    return tls ? op(*tls) : op(plain);
  }

  // Whether a pooled connection still looks usable: the peer has not closed it and (for plain
  // HTTP) sent nothing unsolicited. TLS may legitimately have bytes waiting (session tickets).
  bool looks_alive() {
    char byte;
    const ssize_t n = ::recv(socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) {
      return false;
    }
    if (n > 0) {
      return tls != nullptr;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }

  // Plain HTTP only (its socket is non-blocking): what the socket takes now, without waiting; the
  // error is none when it would have had to wait.
  template <class Buffers>
  size_t write_now(const Buffers& buffers, error_code& ec) {
    const size_t n = plain.write_some(buffers, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      ec = {};
    }
    return n;
  }

  tcp::socket plain;                          // unused (never opened) for TLS
  std::shared_ptr<ssl::context> tls_context;  // kept alive as long as a stream uses it
  std::unique_ptr<ssl::stream<tcp::socket>> tls;
  SocketDeadline deadline;
  beast::flat_buffer buffer;
  std::string key;
  std::chrono::steady_clock::time_point idle_since;
};

// Idle keep-alive connections by origin. Shared with live responses through a weak_ptr so a
// response that outlives its client (worker shutdown) just closes its connection.
struct Pool {
  explicit Pool(ClientOptions o) : options(std::move(o)) {}

  std::unique_ptr<Connection> take(const std::string& key) {
    auto it = idle.find(key);
    if (it == idle.end()) {
      return nullptr;
    }
    auto& list = it->second;
    const auto now = std::chrono::steady_clock::now();
    // Newest last: reuse the warmest connection; anything past pool_idle is dropped.
    while (!list.empty()) {
      auto conn = std::move(list.back());
      list.pop_back();
      const auto idle_for = now - conn->idle_since;
      if (idle_for <= options.pool_idle &&
          (idle_for < options.probe_idle_after || conn->looks_alive())) {
        return conn;
      }
    }
    return nullptr;
  }

  void put(std::unique_ptr<Connection> conn) {
    if (options.max_idle_per_origin == 0) {
      return;
    }
    conn->deadline.stop();
    // An idle connection should not pin the buffer a large answer grew.
    if (conn->buffer.capacity() > kMaxIdleBuffer) {
      conn->buffer.shrink_to_fit();
      conn->buffer.reserve(kReadBuffer);
    }
    conn->idle_since = std::chrono::steady_clock::now();
    auto& list = idle[conn->key];
    const auto cutoff = conn->idle_since - options.pool_idle;
    while (!list.empty() &&
           (list.size() >= options.max_idle_per_origin || list.front()->idle_since < cutoff)) {
      list.pop_front();
    }
    list.push_back(std::move(conn));
  }

  ClientOptions options;
  std::unordered_map<std::string, std::deque<std::unique_ptr<Connection>>> idle;
  ClientStats stats;
};

bool is_http_error(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category();
}

// The peer ended the connection cleanly or abruptly before sending anything.
bool is_closed_error(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// Parses a response straight into our HeaderList and body string, without Beast's fields
// container in between. Body bytes go to `sink`, which the reader swaps: a piece per read_some(),
// or read_all()'s result directly.
class ResponseParser final : public bhttp::basic_parser<false> {
 public:
  int status() const { return status_; }
  const HeaderList& headers() const { return headers_; }
  void sink(std::string* out) { sink_ = out; }

 private:
  void on_request_impl(bhttp::verb, beast::string_view, beast::string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, beast::string_view, int, error_code&) override { status_ = code; }
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value,
                     error_code&) override {
    headers_.add({name.data(), name.size()}, {value.data(), value.size()});
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  size_t on_body_impl(beast::string_view body, error_code&) override {
    sink_->append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    sink_->append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  int status_ = 0;
  HeaderList headers_;
  std::string* sink_ = nullptr;
};

class ResponseImpl final : public ClientResponse {
  // One socket read into the connection buffer, for parse_received(). Not Beast's
  // http::async_read_some: that reads until an element completes (with the greedy parser, until
  // every buffered chunk and the next chunk header are complete), and posts its completion when
  // no read was needed. Not a coroutine of its own: a stream calls it once per upstream chunk.
  // (Defined before its callers: they need its type.)
  auto read_into_buffer() {
    const auto space = conn_->buffer.prepare(beast::read_size(conn_->buffer, kMaxReadSize));
    return conn_->with_stream(
        [&space](auto& stream) { return stream.async_read_some(space, kNoThrow); });
  }

  // A body read: under the idle deadline, which the caller disarms.
  auto read_once() {
    conn_->deadline.arm(timeouts_.idle);
    return read_into_buffer();
  }

  // Parses what read_once() brought; at the end of the stream, the end of a body without length
  // or a truncated one (partial_message).
  error_code received(error_code ec, size_t n) {
    return parse_received(parser_, conn_->buffer, ec, n, false);
  }

 public:
  ResponseImpl(std::weak_ptr<Pool> pool, std::unique_ptr<Connection> conn, ClientTimeouts timeouts,
               bool head)
      : pool_(std::move(pool)), conn_(std::move(conn)), timeouts_(timeouts) {
    parser_.header_limit(kMaxResponseHeaderBytes);
    parser_.body_limit(boost::none);  // read_all() enforces the caller's limit
    if (head) {
      parser_.skip(true);
    }
  }

  ~ResponseImpl() override {
    if (!conn_ || failed_ || !parser_.is_done() || !parser_.keep_alive() ||
        conn_->buffer.size() != 0) {
      return;  // the connection closes with conn_
    }
    if (auto pool = pool_.lock()) {
      pool->put(std::move(conn_));
    }
  }

  struct StartResult {
    std::optional<Error> error;
    bool stale = false;  // a reused connection died before any response byte: retry on a fresh one
  };

  // Writes the request (its serialised head, then the body, in one gather write) and reads the
  // response header.
  asio::awaitable<StartResult> start(std::string_view head, std::string_view body, bool reused) {
    Connection& conn = *conn_;
    conn.deadline.arm(timeouts_.first_byte);
    const std::array<asio::const_buffer, 2> buffers{asio::const_buffer(head.data(), head.size()),
                                                    asio::const_buffer(body.data(), body.size())};
    // Plain HTTP: the socket takes a request at once as a rule, and a write that needs no wait
    // costs no trip through the scheduler. The rest, and TLS, go through an async write.
    error_code wec;
    const size_t written = conn.tls ? 0 : conn.write_now(buffers, wec);
    if (!wec && written < head.size() + body.size()) {
      beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
      rest.consume(written);
      std::tie(wec, std::ignore) = co_await conn.with_stream(
          [&](auto& stream) { return asio::async_write(stream, rest, kNoThrow); });
    }
    if (wec) {
      conn.deadline.disarm();
      failed_ = true;
      if (conn.deadline.fired()) {
        co_return StartResult{
            Error::make(ErrorCode::DeadlineExceeded,
                        "upstream did not accept the request within " + ms(timeouts_.first_byte))};
      }
      co_return StartResult{
          Error::make(ErrorCode::Unavailable, "upstream write failed: " + wec.message()), reused};
    }
    auto hec = parse_buffered(parser_, conn.buffer, true);
    while (!hec && !parser_.is_header_done()) {
      auto [ec, n] = co_await read_into_buffer();
      hec = parse_received(parser_, conn.buffer, ec, n, true);
    }
    conn.deadline.disarm();
    if (hec) {
      failed_ = true;
      if (conn.deadline.fired()) {
        co_return StartResult{
            Error::make(ErrorCode::DeadlineExceeded,
                        "upstream sent no response within " + ms(timeouts_.first_byte))};
      }
      if (!parser_.got_some() && is_closed_error(hec)) {
        co_return StartResult{
            Error::make(ErrorCode::Unavailable,
                        "upstream closed the connection before responding: " + hec.message()),
            reused};
      }
      if (is_http_error(hec)) {
        co_return StartResult{
            Error::make(ErrorCode::BadGateway, "malformed upstream response: " + hec.message())};
      }
      co_return StartResult{
          Error::make(ErrorCode::BadGateway, "upstream response header failed: " + hec.message())};
    }
    // The header was parsed one element per put(); the body is parsed greedily, so one read
    // turns every chunk that has arrived into a single piece (several SSE frames, one write).
    parser_.eager(true);
    co_return StartResult{};
  }

  int status() const override { return parser_.status(); }
  const HeaderList& headers() const override { return parser_.headers(); }

  asio::awaitable<schema::Result<std::string_view>> read_some() override {
    if (failed_ || !conn_) {
      co_return already_failed();
    }
    piece_.clear();
    parser_.sink(&piece_);
    // Bytes already buffered (read with the header) need no read. A read parses every chunk that
    // has arrived and returns as soon as any body bytes were produced: SSE frames are relayed
    // without waiting for more.
    auto error = parse_buffered(parser_, conn_->buffer, false);
    while (!error && piece_.empty() && !parser_.is_done()) {
      auto [ec, n] = co_await read_once();
      conn_->deadline.disarm();
      error = received(ec, n);
    }
    if (error) {
      co_return read_failure(error);
    }
    co_return std::string_view(piece_);
  }

  asio::awaitable<schema::Result<std::string>> read_all(size_t limit) override {
    if (failed_ || !conn_) {
      co_return already_failed();
    }
    std::string out;
    if (auto length = parser_.content_length()) {
      out.reserve(static_cast<size_t>(std::min<uint64_t>(*length, limit)));
    }
    parser_.sink(&out);
    auto error = parse_buffered(parser_, conn_->buffer, false);
    while (!error && out.size() <= limit && !parser_.is_done()) {
      auto [ec, n] = co_await read_once();
      conn_->deadline.disarm();
      error = received(ec, n);
    }
    if (error) {
      co_return read_failure(error);
    }
    if (out.size() > limit) {
      failed_ = true;
      co_return Error::make(ErrorCode::PayloadTooLarge,
                            "upstream response exceeds " + std::to_string(limit) + " bytes");
    }
    co_return out;
  }

  void cancel() override {
    failed_ = true;
    if (conn_) {
      error_code ignored;
      conn_->socket().close(ignored);
    }
  }

 private:
  Error already_failed() const {
    return Error::make(ErrorCode::BadGateway, "upstream response already failed");
  }

  Error read_failure(const error_code& ec) {
    failed_ = true;
    if (conn_->deadline.fired()) {
      return Error::make(ErrorCode::DeadlineExceeded,
                         "upstream body stalled for more than " + ms(timeouts_.idle));
    }
    return Error::make(ErrorCode::BadGateway, "upstream response body truncated: " + ec.message());
  }

  std::weak_ptr<Pool> pool_;
  std::unique_ptr<Connection> conn_;
  ClientTimeouts timeouts_;
  ResponseParser parser_;
  std::string piece_;
  bool failed_ = false;
};

}  // namespace

struct HttpClient::Impl {
  Impl(asio::any_io_executor ex, ClientOptions options)
      : executor(std::move(ex)), pool(std::make_shared<Pool>(std::move(options))) {}

  asio::awaitable<schema::Result<std::unique_ptr<Connection>>> connect(const Origin& origin,
                                                                       const ClientTimeouts& t);
  std::shared_ptr<ssl::context> tls_context();
  // The parsed URL, cached: Boost.URL's parse cost as much as the rest of sending a request.
  schema::Result<std::shared_ptr<const Origin>> origin(const std::string& url);

  asio::any_io_executor executor;
  std::shared_ptr<Pool> pool;
  std::shared_ptr<ssl::context> tls;  // made on first https use: loading the CA store costs ms
  std::unordered_map<std::string, std::shared_ptr<const Origin>> origins;
};

schema::Result<std::shared_ptr<const Origin>> HttpClient::Impl::origin(const std::string& url) {
  if (auto it = origins.find(url); it != origins.end()) {
    return it->second;
  }
  auto parsed = parse_origin(url);
  if (!parsed) {
    return parsed.error();
  }
  if (origins.size() >= kMaxCachedOrigins) {
    origins.clear();
  }
  auto origin = std::make_shared<const Origin>(std::move(*parsed));
  origins.emplace(url, origin);
  return origin;
}

std::shared_ptr<ssl::context> HttpClient::Impl::tls_context() {
  if (tls) {
    return tls;
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3);
  const auto& options = pool->options;
  if (options.verify_tls) {
    context->set_verify_mode(ssl::verify_peer);
    context->set_default_verify_paths();
    if (!options.extra_ca_pem.empty()) {
      context->add_certificate_authority(
          asio::buffer(options.extra_ca_pem.data(), options.extra_ca_pem.size()));
    }
  } else {
    context->set_verify_mode(ssl::verify_none);
  }
  tls = std::move(context);
  return tls;
}

asio::awaitable<schema::Result<std::unique_ptr<Connection>>> HttpClient::Impl::connect(
    const Origin& origin, const ClientTimeouts& t) {
  auto conn = std::make_unique<Connection>(executor, origin.tls ? tls_context() : nullptr);
  conn->key = origin.key;

  // Closing the socket cannot interrupt name resolution, so the resolver gets its own timer. The
  // resolver is shared with the timer callback, which may run after this frame is gone.
  auto resolver = std::make_shared<tcp::resolver>(executor);
  asio::steady_timer resolve_timer(executor, t.connect);
  bool resolve_timed_out = false;
  resolve_timer.async_wait(
      [weak = std::weak_ptr<tcp::resolver>(resolver), flag = &resolve_timed_out](error_code ec) {
        if (!ec) {
          if (auto r = weak.lock()) {
            *flag = true;
            r->cancel();
          }
        }
      });
  const auto started = std::chrono::steady_clock::now();
  auto [rec, endpoints] = co_await resolver->async_resolve(origin.host, origin.port, kNoThrow);
  resolve_timer.cancel();
  resolver.reset();  // from here the timer callback cannot touch resolve_timed_out
  if (resolve_timed_out) {
    co_return Error::make(ErrorCode::DeadlineExceeded,
                          "resolving " + origin.host + " took longer than " + ms(t.connect));
  }
  if (rec) {
    co_return Error::make(ErrorCode::Unavailable,
                          "cannot resolve upstream host " + origin.host + ": " + rec.message());
  }

  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  conn->deadline.arm(std::max(std::chrono::milliseconds(1), t.connect - elapsed));
  // Endpoints are tried one by one (not with asio::async_connect) so an expired deadline stops
  // the whole attempt instead of moving on to the next address.
  error_code cec = asio::error::host_not_found;
  for (const auto& entry : endpoints) {
    if (conn->deadline.fired()) {
      break;
    }
    error_code ignored;
    conn->socket().close(ignored);
    std::tie(cec) = co_await conn->socket().async_connect(entry.endpoint(), kNoThrow);
    if (!cec) {
      break;
    }
  }
  if (conn->deadline.fired()) {
    co_return Error::make(ErrorCode::DeadlineExceeded,
                          "connecting to " + origin.key + " took longer than " + ms(t.connect));
  }
  if (cec) {
    conn->deadline.disarm();
    co_return Error::make(ErrorCode::Unavailable,
                          "cannot connect to " + origin.key + ": " + cec.message());
  }
  error_code ignored;
  conn->socket().set_option(tcp::no_delay(true), ignored);
  if (!conn->tls) {
    conn->socket().non_blocking(true, ignored);  // for Connection::write_now
  }

  if (conn->tls) {
    // SNI carries names only (RFC 6066 §3); certificate checks cover both names and addresses.
    if (!is_ip_literal(origin.host)) {
      SSL_set_tlsext_host_name(conn->tls->native_handle(), origin.host.c_str());
    }
    if (pool->options.verify_tls) {
      conn->tls->set_verify_callback(ssl::host_name_verification(origin.host));
    }
    auto [hec] = co_await conn->tls->async_handshake(ssl::stream_base::client, kNoThrow);
    if (hec) {
      conn->deadline.disarm();
      if (conn->deadline.fired()) {
        co_return Error::make(
            ErrorCode::DeadlineExceeded,
            "TLS handshake with " + origin.key + " took longer than " + ms(t.connect));
      }
      co_return Error::make(ErrorCode::Unavailable,
                            "TLS handshake with " + origin.key + " failed: " + hec.message());
    }
  }
  conn->deadline.disarm();
  ++pool->stats.connections_opened;
  co_return conn;
}

HttpClient::HttpClient(asio::any_io_executor executor, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(executor), std::move(options))) {}

HttpClient::~HttpClient() = default;

ClientStats HttpClient::stats() const { return impl_->pool->stats; }

asio::awaitable<schema::Result<std::unique_ptr<ClientResponse>>> HttpClient::send(
    ClientRequest request) {
  auto parsed = impl_->origin(request.url);
  if (!parsed) {
    co_return parsed.error();
  }
  // Shared with the cache, which may drop it while this request is in flight.
  const std::shared_ptr<const Origin> origin_ptr = std::move(*parsed);
  const Origin& origin = *origin_ptr;

  // The head is serialised by hand into one string (Beast's serializer costs more than the rest
  // of a small request); it is what Beast wrote: request line, the caller's fields, Host when
  // they have none, then Content-Length as prepare_payload() decides it.
  std::string head;
  head.reserve(256 + origin.target.size());
  head.append(request.method);
  head.push_back(' ');
  head.append(origin.target);
  head.append(std::string_view(" HTTP/1.1\r\n"));
  bool has_host = false;
  for (const auto& [name, value] : request.headers.fields()) {
    if (is_framing_header(name)) {
      continue;
    }
    has_host = has_host || name == std::string_view("host");
    append_field(head, name, value);
  }
  if (!has_host) {
    append_field(head, "Host", origin.host_header);
  }
  const std::string_view method = request.method;
  if (!request.body.empty() || method == "POST" || method == "PUT" || method == "OPTIONS") {
    append_field(head, "Content-Length", std::to_string(request.body.size()));
  }
  head.append(std::string_view("\r\n"));
  const bool head_request = method == "HEAD";

  auto& pool = *impl_->pool;
  for (int attempt = 0;; ++attempt) {
    // The retry after a stale pooled connection always dials a fresh one.
    std::unique_ptr<Connection> conn = attempt == 0 ? pool.take(origin.key) : nullptr;
    const bool reused = conn != nullptr;
    if (reused) {
      ++pool.stats.connections_reused;
    } else {
      auto connected = co_await impl_->connect(origin, request.timeouts);
      if (!connected) {
        co_return connected.error();
      }
      conn = std::move(*connected);
    }
    auto response = std::make_unique<ResponseImpl>(impl_->pool, std::move(conn), request.timeouts,
                                                   head_request);
    auto result = co_await response->start(head, request.body, reused);
    if (!result.error) {
      co_return std::unique_ptr<ClientResponse>(std::move(response));
    }
    if (result.stale && attempt == 0) {
      ++pool.stats.stale_retries;
      continue;
    }
    co_return std::move(*result.error);
  }
}

HttpClient& worker_client() {
  if (t_worker_client == nullptr) {
    throw std::logic_error("worker_client(): no HttpClient installed on this thread");
  }
  return *t_worker_client;
}

void install_worker_client(HttpClient* client) { t_worker_client = client; }

}  // namespace heimdall::http
