// heimdall-loadgen: a small streaming load generator for bench/run.sh (issue 3, scenario 4).
//
// Opens K connections (plain TCP, HTTP/1.1 keep-alive), then sends K streaming POSTs at once and reads the
// chunked SSE answers, timing each token event: time to first token (from the request's write to the read
// that carried the first token) and the gaps between consecutive token events. Counts errors (connect
// failures, non-200, malformed or short streams, timeouts) and stalls (a gap, or a time to first token,
// longer than --stall-ms). Each connection may run several streams one after the other (--per-conn).
//
//   heimdall-loadgen --url http://127.0.0.1:PORT/v1/messages --body FILE [-H 'name: value']...
//                    [--streams K] [--per-conn N] [--expect-tokens N] [--stall-ms 1000]
//                    [--connect-concurrency 256] [--timeout-s 60] [--dialect anthropic|openai|any]
//
// A token event is an SSE event carrying text: Anthropic `"type":"text_delta"`, or an OpenAI chunk whose
// `"content":"…"` is not empty (--dialect counts only one of them, so with --expect-tokens a stream in the
// wrong dialect is an error). Prints one line (times in µs):
//   LOADGEN_RESULT streams=… ok=… errors=… stalls_gap=… stalls_ttft=… connect_errors=… http_errors=…
//     proto_errors=… timeouts=… short_streams=… tokens=… peak_inflight=… connect_ms=… duration_ms=…
//     ttft_p50=… ttft_p99=… ttft_max=… gap_p50=… gap_p99=… gap_p999=… gap_max=… first_error=…
#include <boost/asio.hpp>
#include <boost/asio/impl/src.hpp>  // Asio is built in separate-compilation mode in this tree

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::string port;
  std::string path = "/";
  std::string body;
  std::vector<std::string> headers;
  int streams = 1;
  int per_conn = 1;
  int expect_tokens = 0;  // 0: do not check
  int stall_ms = 1000;
  int connect_concurrency = 256;
  int timeout_s = 60;
  std::string dialect = "any";  // which token events count: anthropic, openai or any
};

struct Stats {
  std::vector<uint32_t> ttft_us;
  std::vector<uint32_t> gap_us;
  long ok = 0, connect_errors = 0, http_errors = 0, proto_errors = 0, timeouts = 0, short_streams = 0;
  long stalls_gap = 0, stalls_ttft = 0, tokens = 0;
  int inflight = 0, peak_inflight = 0;
  std::string first_error;
  void error(long& counter, const std::string& what) {
    ++counter;
    if (first_error.empty()) first_error = what;
  }
};

[[noreturn]] void usage(const std::string& msg) {
  std::cerr << "heimdall-loadgen: " << msg << "\n"
            << "usage: heimdall-loadgen --url http://HOST:PORT/PATH --body FILE [-H 'name: value']... [--streams K]\n"
               "       [--per-conn N] [--expect-tokens N] [--stall-ms MS] [--connect-concurrency N] [--timeout-s S]\n"
               "       [--dialect anthropic|openai|any]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  std::string url, body_file;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value for " + a);
      return argv[++i];
    };
    if (a == "--url") url = next();
    else if (a == "--body") body_file = next();
    else if (a == "-H" || a == "--header") o.headers.push_back(next());
    else if (a == "--streams") o.streams = std::stoi(next());
    else if (a == "--per-conn") o.per_conn = std::stoi(next());
    else if (a == "--expect-tokens") o.expect_tokens = std::stoi(next());
    else if (a == "--stall-ms") o.stall_ms = std::stoi(next());
    else if (a == "--connect-concurrency") o.connect_concurrency = std::stoi(next());
    else if (a == "--timeout-s") o.timeout_s = std::stoi(next());
    else if (a == "--dialect") o.dialect = next();
    else if (a == "-h" || a == "--help") usage("help");
    else usage("unknown argument " + a);
  }
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) usage("--url must start with http://");
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  o.path = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = hostport.rfind(':');
  if (colon == std::string::npos) usage("--url needs a port");
  o.host = hostport.substr(0, colon);
  o.port = hostport.substr(colon + 1);
  if (body_file.empty()) usage("--body is required");
  std::ifstream in(body_file, std::ios::binary);
  if (!in) usage("cannot read " + body_file);
  o.body.assign(std::istreambuf_iterator<char>(in), {});
  if (o.dialect != "any" && o.dialect != "anthropic" && o.dialect != "openai") usage("--dialect: anthropic|openai|any");
  if (o.streams < 1 || o.per_conn < 1 || o.connect_concurrency < 1) usage("counts must be >= 1");
  return o;
}

// A token event: Anthropic text_delta, or an OpenAI chunk with non-empty delta content.
bool is_token_event(std::string_view ev, const std::string& dialect) {
  if (dialect != "openai" && ev.find("\"text_delta\"") != std::string_view::npos) return true;
  if (dialect == "anthropic") return false;
  if (ev.find("\"chat.completion.chunk\"") == std::string_view::npos) return false;
  constexpr std::string_view key = "\"content\":\"";
  for (auto pos = ev.find(key); pos != std::string_view::npos; pos = ev.find(key, pos + 1)) {
    if (pos + key.size() < ev.size() && ev[pos + key.size()] != '"') return true;
  }
  return false;
}

uint32_t us_since(Clock::time_point a, Clock::time_point b) {
  auto d = std::chrono::duration_cast<std::chrono::microseconds>(b - a).count();
  return static_cast<uint32_t>(std::clamp<int64_t>(d, 0, UINT32_MAX));
}

// Reads one HTTP/1.1 response from `sock`, using and keeping leftovers in `buf`. Returns false on error
// (already counted). Token events are timed against `sent`.
asio::awaitable<bool> read_stream(tcp::socket& sock, std::string& buf, Clock::time_point sent, const Options& o,
                                  Stats& st) {
  char tmp[16384];
  auto fill = [&]() -> asio::awaitable<Clock::time_point> {
    std::size_t n = co_await sock.async_read_some(asio::buffer(tmp), asio::use_awaitable);
    buf.append(tmp, n);
    co_return Clock::now();
  };
  Clock::time_point now = sent;
  // headers
  std::size_t hend;
  while ((hend = buf.find("\r\n\r\n")) == std::string::npos) {
    if (buf.size() > 65536) { st.error(st.proto_errors, "header too large"); co_return false; }
    now = co_await fill();
  }
  std::string head = buf.substr(0, hend);
  buf.erase(0, hend + 4);
  int status = 0;
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) { st.error(st.proto_errors, "bad status line"); co_return false; }
  status = std::atoi(head.c_str() + 9);
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  bool chunked = lower.find("transfer-encoding: chunked") != std::string::npos;
  long content_length = -1;
  if (auto p = lower.find("content-length:"); p != std::string::npos) content_length = std::atol(lower.c_str() + p + 15);
  if (status != 200) {
    st.error(st.http_errors, "HTTP " + std::to_string(status) + " " + buf.substr(0, 200));
    co_return false;
  }
  if (!chunked && content_length < 0) { st.error(st.proto_errors, "neither chunked nor content-length"); co_return false; }

  std::string events;  // decoded body bytes not yet split into SSE events
  int tokens = 0;
  Clock::time_point last_token{};
  auto scan_events = [&](Clock::time_point at) {
    std::size_t start = 0, sep;
    while ((sep = events.find("\n\n", start)) != std::string::npos) {
      std::string_view ev(events.data() + start, sep - start);
      if (is_token_event(ev, o.dialect)) {
        if (tokens == 0) {
          uint32_t t = us_since(sent, at);
          st.ttft_us.push_back(t);
          if (t > static_cast<uint32_t>(o.stall_ms) * 1000u) ++st.stalls_ttft;
        } else {
          uint32_t g = us_since(last_token, at);
          st.gap_us.push_back(g);
          if (g > static_cast<uint32_t>(o.stall_ms) * 1000u) ++st.stalls_gap;
        }
        last_token = at;
        ++tokens;
      }
      start = sep + 2;
    }
    events.erase(0, start);
  };

  if (!chunked) {
    while (static_cast<long>(buf.size()) < content_length) now = co_await fill();
    events.append(buf, 0, content_length);
    buf.erase(0, content_length);
    events.append("\n\n");
    scan_events(now);
  } else {
    for (;;) {
      std::size_t eol;
      while ((eol = buf.find("\r\n")) == std::string::npos) now = co_await fill();
      long size = std::strtol(buf.c_str(), nullptr, 16);
      if (size < 0) { st.error(st.proto_errors, "bad chunk size"); co_return false; }
      if (size == 0) {  // last chunk; no trailers expected, wait for the blank line that ends it
        while (buf.find("\r\n\r\n", eol) == std::string::npos) now = co_await fill();
        buf.erase(0, buf.find("\r\n\r\n", eol) + 4);
        break;
      }
      while (buf.size() < eol + 2 + static_cast<std::size_t>(size) + 2) now = co_await fill();
      events.append(buf, eol + 2, size);
      buf.erase(0, eol + 2 + size + 2);
      scan_events(now);
    }
  }
  st.tokens += tokens;
  if (o.expect_tokens > 0 && tokens != o.expect_tokens) {
    st.error(st.short_streams, "stream had " + std::to_string(tokens) + " token events, expected " +
                                   std::to_string(o.expect_tokens));
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> run_conn(std::shared_ptr<tcp::socket> sock, const Options& o, const std::string& request,
                               Stats& st) {
  std::string buf;
  for (int r = 0; r < o.per_conn; ++r) {
    ++st.inflight;
    st.peak_inflight = std::max(st.peak_inflight, st.inflight);
    bool ok = false;
    try {
      Clock::time_point sent = Clock::now();
      co_await asio::async_write(*sock, asio::buffer(request), asio::use_awaitable);
      ok = co_await read_stream(*sock, buf, sent, o, st);
    } catch (const boost::system::system_error& e) {
      if (e.code() == asio::error::operation_aborted || e.code() == asio::error::bad_descriptor)
        st.error(st.timeouts, "timeout");
      else
        st.error(st.proto_errors, std::string("read/write: ") + e.code().message());
    }
    --st.inflight;
    if (!ok) break;
    ++st.ok;
  }
  boost::system::error_code ec;
  sock->close(ec);
}

uint32_t pct(std::vector<uint32_t>& v, double p) {
  if (v.empty()) return 0;
  std::size_t i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  std::ostringstream req;
  req << "POST " << o.path << " HTTP/1.1\r\nhost: " << o.host << ":" << o.port << "\r\n";
  bool has_ct = false;
  for (const auto& h : o.headers) {
    req << h << "\r\n";
    std::string l = h;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
    if (l.rfind("content-type:", 0) == 0) has_ct = true;
  }
  if (!has_ct) req << "content-type: application/json\r\n";
  req << "content-length: " << o.body.size() << "\r\n\r\n" << o.body;
  const std::string request = req.str();

  asio::io_context io(1);
  Stats st;
  std::vector<std::shared_ptr<tcp::socket>> socks, all;
  socks.reserve(o.streams);
  all.reserve(o.streams);
  tcp::endpoint ep(asio::ip::make_address(o.host), static_cast<unsigned short>(std::stoi(o.port)));
  auto t0 = Clock::now();
  Clock::time_point t_connected{}, t_end{};
  bool timed_out = false;

  asio::steady_timer deadline(io, std::chrono::seconds(o.timeout_s));
  deadline.async_wait([&](boost::system::error_code ec) {
    if (ec) return;
    timed_out = true;
    for (auto& s : all) {
      boost::system::error_code ignored;
      s->close(ignored);
    }
  });

  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        // Phase 1: connect every socket (at most connect_concurrency connects in flight), so the streams
        // then run concurrently instead of being spread over the connect phase.
        int pending = 0, launched = 0;
        asio::steady_timer tick(io);
        while (launched < o.streams && !timed_out) {
          if (pending >= o.connect_concurrency) {
            tick.expires_after(std::chrono::microseconds(200));
            co_await tick.async_wait(asio::use_awaitable);
            continue;
          }
          auto s = std::make_shared<tcp::socket>(io);
          all.push_back(s);
          ++pending;
          ++launched;
          s->async_connect(ep, [&, s](boost::system::error_code ec) {
            --pending;
            if (ec) {
              st.error(st.connect_errors, "connect: " + ec.message());
              return;
            }
            s->set_option(tcp::no_delay(true));
            socks.push_back(s);
          });
        }
        while (pending > 0) {
          tick.expires_after(std::chrono::microseconds(500));
          co_await tick.async_wait(asio::use_awaitable);
        }
        t_connected = Clock::now();
        // Phase 2: all requests at once.
        auto remaining = std::make_shared<int>(static_cast<int>(socks.size()));
        if (*remaining == 0) {
          deadline.cancel();
          co_return;
        }
        for (auto& s : socks) {
          asio::co_spawn(io, run_conn(s, o, request, st), [&, remaining](std::exception_ptr) {
            if (--*remaining == 0) {
              t_end = Clock::now();
              deadline.cancel();
            }
          });
        }
      },
      asio::detached);
  io.run();
  if (t_end == Clock::time_point{}) t_end = Clock::now();

  std::sort(st.ttft_us.begin(), st.ttft_us.end());
  std::sort(st.gap_us.begin(), st.gap_us.end());
  long total = static_cast<long>(o.streams) * o.per_conn;
  long errors = total - st.ok;
  std::string fe = st.first_error;
  for (auto& c : fe)
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') c = '_';
  if (fe.size() > 160) fe.resize(160);
  std::printf(
      "LOADGEN_RESULT streams=%ld ok=%ld errors=%ld stalls_gap=%ld stalls_ttft=%ld connect_errors=%ld "
      "http_errors=%ld proto_errors=%ld timeouts=%ld short_streams=%ld tokens=%ld peak_inflight=%d "
      "connect_ms=%ld duration_ms=%ld ttft_p50=%u ttft_p99=%u ttft_max=%u gap_p50=%u gap_p99=%u gap_p999=%u "
      "gap_max=%u first_error=%s\n",
      total, st.ok, errors, st.stalls_gap, st.stalls_ttft, st.connect_errors, st.http_errors, st.proto_errors,
      st.timeouts, st.short_streams, st.tokens, st.peak_inflight,
      static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(t_connected - t0).count()),
      static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(t_end - t0).count()),
      pct(st.ttft_us, 50), pct(st.ttft_us, 99), st.ttft_us.empty() ? 0u : st.ttft_us.back(), pct(st.gap_us, 50),
      pct(st.gap_us, 99), pct(st.gap_us, 99.9), st.gap_us.empty() ? 0u : st.gap_us.back(),
      fe.empty() ? "-" : fe.c_str());
  return errors == 0 ? 0 : 1;
}
