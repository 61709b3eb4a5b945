// heimdall-loadgen: the load generator of bench/run.sh for what wrk cannot do (issue 3): streaming
// (scenario 4), a fixed arrival rate (scenario 3) and several paths interleaved at concurrency 1
// (scenario 1). Single-threaded Boost.Asio, plain TCP, HTTP/1.1 keep-alive, content-length or
// chunked answers.
//
// Stream mode (default): opens K connections, then sends K streaming POSTs at once and reads the
// chunked SSE answers, timing each token event: time to first token (from the request's write to
// the read that carried the first token) and the gaps between consecutive token events. Counts
// errors (connect failures, non-200, malformed or short streams, timeouts) and stalls (a gap, or a
// time to first token, longer than --stall-ms). Each connection may run several streams one after
// the other (--per-conn).
//
//   heimdall-loadgen --url http://127.0.0.1:PORT/v1/messages --body FILE [-H 'name: value']...
//                    [--streams K] [--per-conn N] [--expect-tokens N] [--stall-ms 1000]
//                    [--connect-concurrency 256] [--timeout-s 60] [--dialect anthropic|openai|any]
//
// A token event is an SSE event carrying text: Anthropic `"type":"text_delta"`, or an OpenAI chunk
// whose
// `"content":"…"` is not empty (--dialect counts only one of them, so with --expect-tokens a stream
// in the wrong dialect is an error). Prints one line (times in µs):
//   LOADGEN_RESULT streams=… ok=… errors=… stalls_gap=… stalls_ttft=… connect_errors=…
//     http_errors=… proto_errors=… timeouts=… short_streams=… tokens=… peak_inflight=…
//     connect_ms=… duration_ms=… ttft_p50=… ttft_p99=… ttft_max=… gap_p50=… gap_p99=…
//     gap_p999=… gap_max=… trips=… trip_p50=… trip_p99=… trip_p999=… trip_max=… first_error=…
// Token events that carry a mock stamp ([[stamp]], tools/mock-provider/stamp.hpp) are also timed
// from the mock's write to our read ("trip"): unlike the gaps, free of the mock's timer jitter, so
// a relay's added trip is the latency it adds to every token.
//
// Rate mode (--rate R --duration-s D): open loop. Request i is due at start + i/R (R*D requests in
// all), whether or not earlier ones were answered; it goes out on an idle keep-alive connection, or
// on a new one (the pool, --initial-conns opened before the clock starts, grows on demand up to
// --max-conns with at most --connect-concurrency connects in flight), or waits in a queue for the
// first connection to free up. Latency runs from the request's due time to the end of its answer,
// so time spent queued behind a slow server counts (no coordinated omission). After the last due
// time the run waits at most --drain-s for answers; requests still unanswered then are timeouts.
// sched_lag is how late the generator itself put requests on the queue (its own saturation),
// cpu_ms its own CPU time. Prints one line (times in µs):
//   LOADGEN_RESULT mode=rate rate=… duration_s=… requests=… ok=… errors=… connect_errors=…
//     http_errors=… proto_errors=… timeouts=… achieved_rps=… p50=… p90=… p99=… p999=… max=…
//     mean=… conns=… peak_inflight=… sched_lag_p99=… sched_lag_max=… cpu_ms=… cpu_pct=…
//     duration_ms=… first_error=…
//
// Cycle mode (--cycle --targets FILE --duration-s D): closed loop at concurrency 1 over several
// targets, so that paths measured side by side see the same neighbours on a shared machine. FILE
// has one target a line, tab-separated: `id<TAB>url<TAB>body_file<TAB>headers`, headers being
// `name: value` pairs separated by `|` (may be empty; blank lines and `#` lines are skipped). One
// keep-alive connection per target, opened before the clock starts. Each cycle sends one request to
// every target, one at a time (write, read the whole answer, next target), in an order shuffled
// anew every cycle (std::mt19937 seeded with --seed, default 1), so no target always follows the
// same one; cycles start until D seconds have passed, so every target gets the same number of
// requests. Latency runs from the request's write to the end of its answer. A request that fails
// (connect, non-200, malformed answer, broken connection, no answer within --timeout-s) is an
// error; its connection is then reopened before the target's next request (reopens, also after a
// `connection: close`). Prints one line per target, in the file's order (times in µs):
//   LOADGEN_RESULT mode=cycle id=… requests=… ok=… errors=… p50=… p90=… p99=… p999=… max=… mean=…
//     connect_errors=… http_errors=… proto_errors=… timeouts=… reopens=… cycles=… duration_ms=…
//     first_error=…
#include "stamp.hpp"

#include <sys/resource.h>
#include <boost/asio.hpp>
#include <boost/asio/impl/src.hpp>  // Asio is built in separate-compilation mode in this tree

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Url {
  std::string host = "127.0.0.1";
  std::string port;
  std::string path = "/";
};

// Cycle mode: one target of --targets, its request ready to write.
struct Target {
  std::string id;
  Url url;
  std::string request;
};

struct Options {
  Url url;
  std::string body;
  std::vector<std::string> headers;
  int streams = 1;
  int per_conn = 1;
  int expect_tokens = 0;  // 0: do not check
  int stall_ms = 1000;
  int connect_concurrency = 256;
  int timeout_s = 60;
  std::string dialect = "any";  // which token events count: anthropic, openai or any
  double rate = 0;              // > 0: rate mode (requests per second)
  double duration_s = 0;
  int max_conns = 4096;
  int initial_conns = 0;
  double drain_s = 2;
  bool cycle = false;  // cycle mode (--targets)
  std::vector<Target> targets;
  int seed = 1;
};

struct Stats {
  std::vector<uint32_t> ttft_us;
  std::vector<uint32_t> gap_us;
  std::vector<uint32_t> trip_us;     // stamped token events: mock's write -> our read
  std::vector<uint32_t> latency_us;  // rate mode: due time -> end of answer
  std::vector<uint32_t> lag_us;      // rate mode: due time -> queued by the scheduler
  long ok = 0, connect_errors = 0, http_errors = 0, proto_errors = 0, timeouts = 0,
       short_streams = 0;
  long stalls_gap = 0, stalls_ttft = 0, tokens = 0;
  int inflight = 0, peak_inflight = 0;
  std::string first_error;
  void error(long& counter, const std::string& what) {
    ++counter;
    if (first_error.empty()) first_error = what;
  }
  void begin() {
    ++inflight;
    peak_inflight = std::max(peak_inflight, inflight);
  }
};

[[noreturn]] void usage(const std::string& msg) {
  std::cerr
      << "heimdall-loadgen: " << msg << "\n"
      << "usage: heimdall-loadgen --url http://HOST:PORT/PATH --body FILE [-H 'name: value']...\n"
         "  stream mode: [--streams K] [--per-conn N] [--expect-tokens N] [--stall-ms MS]\n"
         "               [--connect-concurrency N] [--timeout-s S] [--dialect "
         "anthropic|openai|any]\n"
         "  rate mode:   --rate R --duration-s D [--max-conns 4096] [--initial-conns 0]\n"
         "               [--connect-concurrency 256] [--drain-s 2]\n"
         "   or: heimdall-loadgen --cycle --targets FILE --duration-s D [--seed 1]\n"
         "               [--timeout-s 60]\n"
         "  FILE: one target a line, id<TAB>url<TAB>body_file<TAB>name: value|name: value|...\n";
  std::exit(2);
}

Url parse_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) usage("url must start with http://: " + url);
  Url u;
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  u.path = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = hostport.rfind(':');
  if (colon == std::string::npos) usage("url needs a port: " + url);
  u.host = hostport.substr(0, colon);
  u.port = hostport.substr(colon + 1);
  return u;
}

std::string read_file(const std::string& name) {
  std::ifstream in(name, std::ios::binary);
  if (!in) usage("cannot read " + name);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A POST of `body` with `headers` (`name: value`; content-type application/json unless given).
std::string make_request(const Url& u, const std::vector<std::string>& headers,
                         const std::string& body) {
  std::ostringstream req;
  req << "POST " << u.path << " HTTP/1.1\r\nhost: " << u.host << ":" << u.port << "\r\n";
  bool has_ct = false;
  for (const auto& h : headers) {
    req << h << "\r\n";
    std::string l = h;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
    if (l.rfind("content-type:", 0) == 0) has_ct = true;
  }
  if (!has_ct) req << "content-type: application/json\r\n";
  req << "content-length: " << body.size() << "\r\n\r\n" << body;
  return req.str();
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t end; (end = s.find(sep, start)) != std::string::npos; start = end + 1)
    parts.push_back(s.substr(start, end - start));
  parts.push_back(s.substr(start));
  return parts;
}

// --targets FILE: `id<TAB>url<TAB>body_file<TAB>headers` a line, headers `name: value|…`.
std::vector<Target> read_targets(const std::string& file) {
  std::vector<Target> targets;
  std::istringstream lines(read_file(file));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto f = split(line, '\t');
    if (f.size() < 3 || f.size() > 4) usage(file + ": want id, url, body file, headers: " + line);
    if (f[0].empty() || f[0].find(' ') != std::string::npos) usage(file + ": bad id: " + f[0]);
    std::vector<std::string> headers;
    if (f.size() == 4 && !f[3].empty()) headers = split(f[3], '|');
    Url u = parse_url(f[1]);
    targets.push_back({f[0], u, make_request(u, headers, read_file(f[2]))});
  }
  if (targets.empty()) usage(file + ": no target");
  return targets;
}

Options parse(int argc, char** argv) {
  Options o;
  std::string url, body_file, targets_file;
  const std::pair<std::string_view, int*> int_opts[] = {
      {"--streams", &o.streams},
      {"--per-conn", &o.per_conn},
      {"--expect-tokens", &o.expect_tokens},
      {"--stall-ms", &o.stall_ms},
      {"--connect-concurrency", &o.connect_concurrency},
      {"--timeout-s", &o.timeout_s},
      {"--max-conns", &o.max_conns},
      {"--initial-conns", &o.initial_conns},
      {"--seed", &o.seed}};
  const std::pair<std::string_view, double*> num_opts[] = {
      {"--rate", &o.rate}, {"--duration-s", &o.duration_s}, {"--drain-s", &o.drain_s}};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value for " + a);
      return argv[++i];
    };
    auto int_opt = std::find_if(std::begin(int_opts), std::end(int_opts),
                                [&](const auto& opt) { return a == opt.first; });
    auto num_opt = std::find_if(std::begin(num_opts), std::end(num_opts),
                                [&](const auto& opt) { return a == opt.first; });
    if (int_opt != std::end(int_opts)) {
      *int_opt->second = std::stoi(next());
    } else if (num_opt != std::end(num_opts)) {
      *num_opt->second = std::stod(next());
    } else if (a == "--url") {
      url = next();
    } else if (a == "--body") {
      body_file = next();
    } else if (a == "-H" || a == "--header") {
      o.headers.push_back(next());
    } else if (a == "--dialect") {
      o.dialect = next();
    } else if (a == "--cycle") {
      o.cycle = true;
    } else if (a == "--targets") {
      targets_file = next();
    } else if (a == "-h" || a == "--help") {
      usage("help");
    } else {
      usage("unknown argument " + a);
    }
  }
  if (o.cycle) {
    if (targets_file.empty() || o.duration_s <= 0 || o.timeout_s < 1)
      usage("--cycle needs --targets FILE, --duration-s > 0 and --timeout-s >= 1");
    o.targets = read_targets(targets_file);
    return o;
  }
  o.url = parse_url(url);
  if (body_file.empty()) usage("--body is required");
  o.body = read_file(body_file);
  if (o.dialect != "any" && o.dialect != "anthropic" && o.dialect != "openai")
    usage("--dialect: anthropic|openai|any");
  if (o.streams < 1 || o.per_conn < 1 || o.connect_concurrency < 1) usage("counts must be >= 1");
  if (o.rate < 0) usage("--rate must be > 0");
  if (o.rate > 0 && (o.duration_s <= 0 || o.max_conns < 1 || o.drain_s < 0))
    usage("--rate needs --duration-s > 0, --max-conns >= 1, --drain-s >= 0");
  return o;
}

tcp::endpoint endpoint_of(const Url& u) {
  return {asio::ip::make_address(u.host), static_cast<unsigned short>(std::stoi(u.port))};
}

Clock::duration to_duration(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
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

long ms_since(Clock::time_point a, Clock::time_point b) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count());
}

// Reads one HTTP/1.1 response from `sock`, using and keeping leftovers in `buf`. Hands the decoded
// body to on_body(bytes, time of the read that carried them, whole_body) as it arrives: once with
// the whole body (whole_body = true) for a content-length answer, chunk by chunk for a chunked one.
// Returns false on error (already counted). `keep_alive` is false when the server said `connection:
// close`.
template <class OnBody>
asio::awaitable<bool> read_response(tcp::socket& sock, std::string& buf, Stats& st,
                                    bool& keep_alive, OnBody on_body) {
  char tmp[16384];
  Clock::time_point now = Clock::now();
  auto fill = [&]() -> asio::awaitable<void> {
    std::size_t n = co_await sock.async_read_some(asio::buffer(tmp), asio::use_awaitable);
    buf.append(tmp, n);
    now = Clock::now();
  };
  std::size_t hend;
  while ((hend = buf.find("\r\n\r\n")) == std::string::npos) {
    if (buf.size() > 65536) {
      st.error(st.proto_errors, "header too large");
      co_return false;
    }
    co_await fill();
  }
  std::string head = buf.substr(0, hend);
  buf.erase(0, hend + 4);
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) {
    st.error(st.proto_errors, "bad status line");
    co_return false;
  }
  int status = std::atoi(head.c_str() + 9);
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  keep_alive = lower.find("connection: close") == std::string::npos;
  bool chunked = lower.find("transfer-encoding: chunked") != std::string::npos;
  long content_length = -1;
  if (auto p = lower.find("content-length:"); p != std::string::npos)
    content_length = std::atol(lower.c_str() + p + 15);
  if (status != 200) {
    st.error(st.http_errors, "HTTP " + std::to_string(status) + " " + buf.substr(0, 200));
    co_return false;
  }
  if (!chunked && content_length < 0) {
    st.error(st.proto_errors, "neither chunked nor content-length");
    co_return false;
  }
  if (!chunked) {
    while (static_cast<long>(buf.size()) < content_length) co_await fill();
    on_body(std::string_view(buf).substr(0, content_length), now, true);
    buf.erase(0, content_length);
    co_return true;
  }
  for (;;) {
    std::size_t eol;
    while ((eol = buf.find("\r\n")) == std::string::npos) co_await fill();
    long size = std::strtol(buf.c_str(), nullptr, 16);
    if (size < 0) {
      st.error(st.proto_errors, "bad chunk size");
      co_return false;
    }
    if (size == 0) {  // last chunk; no trailers expected, wait for the blank line that ends it
      while (buf.find("\r\n\r\n", eol) == std::string::npos) co_await fill();
      buf.erase(0, buf.find("\r\n\r\n", eol) + 4);
      co_return true;
    }
    while (buf.size() < eol + 2 + static_cast<std::size_t>(size) + 2) co_await fill();
    on_body(std::string_view(buf).substr(eol + 2, size), now, false);
    buf.erase(0, eol + 2 + size + 2);
  }
}

// Reads one streaming answer; token events are timed against `sent`.
asio::awaitable<bool> read_stream(tcp::socket& sock, std::string& buf, Clock::time_point sent,
                                  const Options& o, Stats& st) {
  std::string events;  // decoded body bytes not yet split into SSE events
  int tokens = 0;
  Clock::time_point last_token{};
  auto on_body = [&](std::string_view data, Clock::time_point at, bool whole_body) {
    events.append(data);
    if (whole_body) events.append("\n\n");
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
        if (auto stamp = heimdall::mock::read_stamp(ev)) {
          const auto now_us =
              std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
          st.trip_us.push_back(
              static_cast<uint32_t>(std::clamp<int64_t>(now_us - *stamp, 0, UINT32_MAX)));
        }
        last_token = at;
        ++tokens;
      }
      start = sep + 2;
    }
    events.erase(0, start);
  };
  bool keep_alive = true;
  if (!co_await read_response(sock, buf, st, keep_alive, on_body)) co_return false;
  st.tokens += tokens;
  if (o.expect_tokens > 0 && tokens != o.expect_tokens) {
    st.error(st.short_streams, "stream had " + std::to_string(tokens) + " token events, expected " +
                                   std::to_string(o.expect_tokens));
    co_return false;
  }
  co_return true;
}

// Counts an exception from a socket operation: a closed socket (the deadline) is a timeout.
void count_io_error(Stats& st, const boost::system::system_error& e) {
  if (e.code() == asio::error::operation_aborted || e.code() == asio::error::bad_descriptor)
    st.error(st.timeouts, "timeout");
  else
    st.error(st.proto_errors, std::string("read/write: ") + e.code().message());
}

asio::awaitable<void> run_conn(std::shared_ptr<tcp::socket> sock, const Options& o,
                               const std::string& request, Stats& st) {
  std::string buf;
  for (int r = 0; r < o.per_conn; ++r) {
    st.begin();
    bool ok = false;
    try {
      Clock::time_point sent = Clock::now();
      co_await asio::async_write(*sock, asio::buffer(request), asio::use_awaitable);
      ok = co_await read_stream(*sock, buf, sent, o, st);
    } catch (const boost::system::system_error& e) {
      count_io_error(st, e);
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

// Sorts `lat` and formats it as `p50=… p90=… p99=… p999=… max=… mean=…` (µs).
std::string latency_fields(std::vector<uint32_t>& lat) {
  std::sort(lat.begin(), lat.end());
  double mean = 0;
  for (uint32_t v : lat) mean += v;
  if (!lat.empty()) mean /= static_cast<double>(lat.size());
  char out[160];
  std::snprintf(out, sizeof out, "p50=%u p90=%u p99=%u p999=%u max=%u mean=%.0f", pct(lat, 50),
                pct(lat, 90), pct(lat, 99), pct(lat, 99.9), lat.empty() ? 0u : lat.back(), mean);
  return out;
}

std::string first_error_field(std::string fe) {
  for (auto& c : fe)
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') c = '_';
  if (fe.size() > 160) fe.resize(160);
  return fe.empty() ? "-" : fe;
}

long cpu_ms_self() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto ms = [](const timeval& t) { return static_cast<long>(t.tv_sec) * 1000 + t.tv_usec / 1000; };
  return ms(ru.ru_utime) + ms(ru.ru_stime);
}

int run_streams(const Options& o, const std::string& request) {
  asio::io_context io(1);
  Stats st;
  std::vector<std::shared_ptr<tcp::socket>> socks, all;
  socks.reserve(o.streams);
  all.reserve(o.streams);
  tcp::endpoint ep = endpoint_of(o.url);
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
        // Phase 1: connect every socket (at most connect_concurrency connects in flight), so the
        // streams then run concurrently instead of being spread over the connect phase.
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
  std::sort(st.trip_us.begin(), st.trip_us.end());
  long total = static_cast<long>(o.streams) * o.per_conn;
  long errors = total - st.ok;
  std::printf(
      "LOADGEN_RESULT streams=%ld ok=%ld errors=%ld stalls_gap=%ld stalls_ttft=%ld "
      "connect_errors=%ld "
      "http_errors=%ld proto_errors=%ld timeouts=%ld short_streams=%ld tokens=%ld peak_inflight=%d "
      "connect_ms=%ld duration_ms=%ld ttft_p50=%u ttft_p99=%u ttft_max=%u gap_p50=%u gap_p99=%u "
      "gap_p999=%u "
      "gap_max=%u trips=%zu trip_p50=%u trip_p99=%u trip_p999=%u trip_max=%u first_error=%s\n",
      total, st.ok, errors, st.stalls_gap, st.stalls_ttft, st.connect_errors, st.http_errors,
      st.proto_errors, st.timeouts, st.short_streams, st.tokens, st.peak_inflight,
      ms_since(t0, t_connected), ms_since(t0, t_end), pct(st.ttft_us, 50), pct(st.ttft_us, 99),
      st.ttft_us.empty() ? 0u : st.ttft_us.back(), pct(st.gap_us, 50), pct(st.gap_us, 99),
      pct(st.gap_us, 99.9), st.gap_us.empty() ? 0u : st.gap_us.back(), st.trip_us.size(),
      pct(st.trip_us, 50), pct(st.trip_us, 99), pct(st.trip_us, 99.9),
      st.trip_us.empty() ? 0u : st.trip_us.back(), first_error_field(st.first_error).c_str());
  return errors == 0 ? 0 : 1;
}

// Rate mode: the schedule, the queue of due requests and the connection pool, all on one
// io_context.
class RateRun {
 public:
  RateRun(const Options& o, const std::string& request)
      : o_(o),
        request_(request),
        ep_(endpoint_of(o.url)),
        total_(std::max<long>(1, std::lround(o.rate * o.duration_s))),
        deadline_(io_),
        tick_(io_) {}

  int run() {
    asio::co_spawn(io_, start(), asio::detached);
    io_.run();
    return report();
  }

 private:
  struct Conn {
    explicit Conn(asio::io_context& io) : sock(io), wake(io) {}
    tcp::socket sock;
    asio::steady_timer wake;  // an idle connection waits on it; cancel() hands it a queued request
    std::string buf;
  };

  // Opens the initial pool (not timed), then starts the clock and the schedule.
  asio::awaitable<void> start() {
    auto t_start = Clock::now();
    const int initial = std::min(o_.initial_conns, o_.max_conns);
    for (int n = 0; n < initial || connecting_ > 0;) {
      if (n < initial && connecting_ < o_.connect_concurrency) {
        open_conn();
        ++n;
        continue;
      }
      if (Clock::now() - t_start > std::chrono::seconds(10))
        break;  // a server that does not accept
      tick_.expires_after(std::chrono::milliseconds(1));
      co_await tick_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    t0_ = Clock::now() + std::chrono::milliseconds(5);  // the first due time
    deadline_.expires_at(t0_ + to_duration(o_.duration_s + o_.drain_s));
    deadline_.async_wait([this](boost::system::error_code ec) {
      if (!ec) stop();
    });
    co_await schedule();
  }

  // Puts the requests that are due on the queue, then sleeps until the next due time.
  asio::awaitable<void> schedule() {
    for (long i = 0; i < total_ && !stopping_;) {
      auto now = Clock::now();
      for (; i < total_; ++i) {
        auto due = t0_ + to_duration(static_cast<double>(i) / o_.rate);
        if (due > now) break;
        st_.lag_us.push_back(us_since(due, now));
        queue_.push_back(due);
        dispatch();
      }
      if (i < total_) {
        tick_.expires_at(t0_ + to_duration(static_cast<double>(i) / o_.rate));
        auto [ec] = co_await tick_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
      }
    }
    scheduled_ = true;
    maybe_finish();
  }

  // Gives the queue's head to an idle connection, or opens connections when none is idle.
  void dispatch() {
    if (!idle_.empty()) {
      Conn* c = idle_.back();
      idle_.pop_back();
      ++woken_;
      c->wake.cancel();
    } else {
      grow();
    }
  }

  // Opens connections for the queued requests that no connection on its way will take, within the
  // caps
  // (--max-conns open, --connect-concurrency connecting: a slow server is not hit by a connect
  // storm).
  void grow() {
    while (static_cast<long>(queue_.size()) > connecting_ + woken_ && open_ < o_.max_conns &&
           connecting_ < o_.connect_concurrency) {
      open_conn();
    }
  }

  void open_conn() {
    conns_.push_back(std::make_unique<Conn>(io_));
    ++open_;
    peak_open_ = std::max(peak_open_, open_);
    asio::co_spawn(io_, connection(*conns_.back()), asio::detached);
  }

  asio::awaitable<void> connection(Conn& c) {
    ++connecting_;
    auto [ec] = co_await c.sock.async_connect(ep_, asio::as_tuple(asio::use_awaitable));
    --connecting_;
    if (ec) {
      if (!stopping_ && !queue_.empty()) {  // the request this connection was opened for fails
        queue_.pop_front();
        st_.error(st_.connect_errors, "connect: " + ec.message());
        ++done_;
      }
      --open_;
      grow();
      maybe_finish();
      co_return;
    }
    c.sock.set_option(tcp::no_delay(true));
    for (;;) {
      while (queue_.empty() && !stopping_) {
        idle_.push_back(&c);
        c.wake.expires_after(std::chrono::hours(24));
        co_await c.wake.async_wait(asio::as_tuple(asio::use_awaitable));
        --woken_;  // cancel() always comes with ++woken_: from dispatch(), or from stop() for every
                   // idle one
      }
      if (stopping_) break;
      Clock::time_point due = queue_.front();
      queue_.pop_front();
      grow();  // more connects, now that this one is done, if the queue still needs them
      st_.begin();
      bool ok = false, keep_alive = true;
      try {
        co_await asio::async_write(c.sock, asio::buffer(request_), asio::use_awaitable);
        ok = co_await read_response(c.sock, c.buf, st_, keep_alive,
                                    [](std::string_view, Clock::time_point, bool) {});
      } catch (const boost::system::system_error& e) {
        if (!stopping_)
          st_.error(st_.proto_errors, std::string("read/write: ") + e.code().message());
      }
      --st_.inflight;
      if (stopping_) break;  // unanswered at the deadline: a timeout, counted in report()
      ++done_;
      if (ok) {
        ++st_.ok;
        last_done_ = Clock::now();
        st_.latency_us.push_back(us_since(due, last_done_));
      }
      if (!ok || !keep_alive) break;
      maybe_finish();
    }
    boost::system::error_code ignored;
    c.sock.close(ignored);
    --open_;
    if (!stopping_) grow();  // a replacement for a connection that failed
    maybe_finish();
  }

  void maybe_finish() {
    if (scheduled_ && done_ == total_ && !stopping_) stop();
  }

  // The end: every request answered, or the deadline. Wakes and closes every connection.
  void stop() {
    stopping_ = true;
    t_end_ = Clock::now();
    deadline_.cancel();
    tick_.cancel();
    woken_ += static_cast<int>(idle_.size());
    idle_.clear();
    for (auto& c : conns_) {
      c->wake.cancel();
      boost::system::error_code ignored;
      c->sock.close(ignored);
    }
  }

  int report() {
    long errors_counted = st_.connect_errors + st_.http_errors + st_.proto_errors;
    st_.timeouts = total_ - st_.ok - errors_counted;
    long errors = total_ - st_.ok;
    std::sort(st_.lag_us.begin(), st_.lag_us.end());
    // achieved: answers per second over the schedule, or up to the last answer when that came later
    double span = std::max(o_.duration_s, std::chrono::duration<double>(last_done_ - t0_).count());
    long cpu = cpu_ms_self();
    long wall = ms_since(t0_, t_end_);
    std::printf(
        "LOADGEN_RESULT mode=rate rate=%.0f duration_s=%.1f requests=%ld ok=%ld errors=%ld "
        "connect_errors=%ld "
        "http_errors=%ld proto_errors=%ld timeouts=%ld achieved_rps=%.1f %s "
        "conns=%d peak_inflight=%d sched_lag_p99=%u sched_lag_max=%u cpu_ms=%ld "
        "cpu_pct=%.1f "
        "duration_ms=%ld first_error=%s\n",
        o_.rate, o_.duration_s, total_, st_.ok, errors, st_.connect_errors, st_.http_errors,
        st_.proto_errors, st_.timeouts, static_cast<double>(st_.ok) / span,
        latency_fields(st_.latency_us).c_str(), peak_open_, st_.peak_inflight, pct(st_.lag_us, 99),
        st_.lag_us.empty() ? 0u : st_.lag_us.back(), cpu, wall > 0 ? 100.0 * cpu / wall : 0.0, wall,
        first_error_field(st_.first_error).c_str());
    return errors == 0 ? 0 : 1;
  }

  const Options& o_;
  const std::string& request_;
  asio::io_context io_{1};
  tcp::endpoint ep_;
  long total_;
  asio::steady_timer deadline_, tick_;
  Stats st_;
  Clock::time_point t0_{}, t_end_{}, last_done_{};
  std::deque<Clock::time_point> queue_;  // due times of requests waiting for a connection
  std::vector<Conn*> idle_;
  std::vector<std::unique_ptr<Conn>> conns_;  // every connection opened, so stop() can close them
  int open_ = 0, peak_open_ = 0, connecting_ = 0, woken_ = 0;
  long done_ = 0;  // answered or failed (not counting what the deadline cut off)
  bool scheduled_ = false, stopping_ = false;
};

// Cycle mode: every target once per cycle, one request at a time, in a shuffled order.
class CycleRun {
 public:
  explicit CycleRun(const Options& o) : o_(o), watchdog_(io_) {
    for (const auto& t : o.targets) conns_.push_back(std::make_unique<Conn>(io_, t));
  }

  int run() {
    asio::co_spawn(io_, cycles(), asio::detached);
    io_.run();
    return report();
  }

 private:
  struct Conn {
    Conn(asio::io_context& io, const Target& t) : target(t), ep(endpoint_of(t.url)), sock(io) {}
    const Target& target;
    tcp::endpoint ep;
    tcp::socket sock;
    std::string buf;
    bool open = false;
    long connects = 0, requests = 0;
    Stats st;
  };

  // Opens (or reopens) the target's connection.
  asio::awaitable<bool> connect(Conn& c) {
    boost::system::error_code ignored;
    c.sock.close(ignored);
    c.buf.clear();
    ++c.connects;
    auto [ec] = co_await c.sock.async_connect(c.ep, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      c.st.error(c.st.connect_errors, "connect: " + ec.message());
      co_return false;
    }
    c.sock.set_option(tcp::no_delay(true));
    c.open = true;
    co_return true;
  }

  // One request and its whole answer; a request that fails leaves the connection to be reopened.
  asio::awaitable<void> request(Conn& c) {
    ++c.requests;
    if (!c.open && !co_await connect(c)) co_return;
    // The watchdog closes the socket of a request unanswered after --timeout-s; `generation` keeps
    // a watchdog that fired just as its request ended from closing the next one's socket.
    const long generation = ++generation_;
    watchdog_.expires_after(std::chrono::seconds(o_.timeout_s));
    watchdog_.async_wait([this, &c, generation](boost::system::error_code ec) {
      if (ec || generation != generation_) return;
      boost::system::error_code ignored;
      c.sock.close(ignored);
    });
    bool ok = false, keep_alive = true;
    const Clock::time_point sent = Clock::now();
    try {
      co_await asio::async_write(c.sock, asio::buffer(c.target.request), asio::use_awaitable);
      ok = co_await read_response(c.sock, c.buf, c.st, keep_alive,
                                  [](std::string_view, Clock::time_point, bool) {});
    } catch (const boost::system::system_error& e) {
      count_io_error(c.st, e);
    }
    const Clock::time_point done = Clock::now();
    ++generation_;
    watchdog_.cancel();
    if (ok) {
      ++c.st.ok;
      c.st.latency_us.push_back(us_since(sent, done));
    }
    if (!ok || !keep_alive) c.open = false;
  }

  // Opens every connection (not timed), then runs whole cycles until --duration-s has passed.
  asio::awaitable<void> cycles() {
    for (auto& c : conns_) co_await connect(*c);
    std::mt19937 rng(static_cast<std::mt19937::result_type>(o_.seed));
    std::vector<std::size_t> order(conns_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    t0_ = Clock::now();
    const Clock::time_point end = t0_ + to_duration(o_.duration_s);
    while (Clock::now() < end) {
      std::shuffle(order.begin(), order.end(), rng);
      for (std::size_t i : order) co_await request(*conns_[i]);
      ++cycles_;
    }
    t_end_ = Clock::now();
    for (auto& c : conns_) {
      boost::system::error_code ignored;
      c->sock.close(ignored);
    }
  }

  int report() {
    bool failed = false;
    for (auto& c : conns_) {
      Stats& st = c->st;
      const long errors = c->requests - st.ok;
      failed = failed || errors > 0 || st.connect_errors > 0;
      std::printf(
          "LOADGEN_RESULT mode=cycle id=%s requests=%ld ok=%ld errors=%ld %s connect_errors=%ld "
          "http_errors=%ld proto_errors=%ld timeouts=%ld reopens=%ld cycles=%ld duration_ms=%ld "
          "first_error=%s\n",
          c->target.id.c_str(), c->requests, st.ok, errors, latency_fields(st.latency_us).c_str(),
          st.connect_errors, st.http_errors, st.proto_errors, st.timeouts,
          std::max(0L, c->connects - 1), cycles_, ms_since(t0_, t_end_),
          first_error_field(st.first_error).c_str());
    }
    return failed ? 1 : 0;
  }

  const Options& o_;
  asio::io_context io_{1};
  asio::steady_timer watchdog_;
  std::vector<std::unique_ptr<Conn>> conns_;  // in the order of --targets
  long generation_ = 0, cycles_ = 0;
  Clock::time_point t0_{}, t_end_{};
};

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  if (o.cycle) return CycleRun(o).run();
  const std::string request = make_request(o.url, o.headers, o.body);
  if (o.rate > 0) return RateRun(o, request).run();
  return run_streams(o, request);
}
