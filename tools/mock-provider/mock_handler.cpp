#include "mock_handler.hpp"

#include "mock_service.hpp"
#include "stamp.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace heimdall::mock {

namespace {

namespace asio = boost::asio;

http::HeaderList to_header_list(const HeaderFields& fields) {
  http::HeaderList out;
  for (const auto& [name, value] : fields) {
    out.add(name, value);
  }
  return out;
}

// False when the wait was cancelled (server shutdown).
asio::awaitable<bool> wait_for(asio::steady_timer& timer, std::chrono::milliseconds d) {
  timer.expires_after(d);
  const auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

asio::awaitable<void> serve(MockService* service, http::Request& req,
                            http::ResponseWriter& writer) {
  const MockRequest mreq{req.method, req.target, req.headers.fields(), req.body};
  const MockResponse response =
      req.rejection ? MockService::error_for(mreq, req.rejection->status, req.rejection->message)
                    : service->handle(mreq);
  co_await play(response, writer);
}

}  // namespace

asio::awaitable<void> play(const MockResponse& r, http::ResponseWriter& writer) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  if (r.delay.count() > 0 && !co_await wait_for(timer, r.delay)) {
    writer.abort();
    co_return;
  }
  if (r.reset_before) {
    writer.abort();
    co_return;
  }
  if (!r.stream) {
    co_await writer.send(r.status, to_header_list(r.headers), r.body);
    co_return;
  }
  if (!co_await writer.start_stream(r.status, to_header_list(r.headers))) {
    co_return;
  }
  if (!r.event_delay) {
    // Back-to-back frames go out as one chunk: one write instead of one per event keeps the mock
    // far cheaper than the gateway it measures. SSE readers must not depend on chunk boundaries
    // anyway.
    const size_t end = r.reset_after_frames.value_or(r.frames.size());
    std::string joined;
    size_t bytes = 0;
    for (size_t i = 0; i < end; ++i) {
      bytes += r.frames[i].size();
    }
    joined.reserve(bytes);
    for (size_t i = 0; i < end; ++i) {
      joined.append(r.frames[i]);
    }
    if (r.stamp) fill_stamps(joined);
    if (!joined.empty() && !co_await writer.write(joined)) {
      co_return;
    }
    if (r.reset_after_frames) {
      writer.abort();
      co_return;
    }
    co_await writer.finish();
    co_return;
  }
  for (size_t i = 0; i < r.frames.size(); ++i) {
    if (r.reset_after_frames && i == *r.reset_after_frames) {
      writer.abort();
      co_return;
    }
    if (i > 0 && r.event_delay->count() > 0 && !co_await wait_for(timer, *r.event_delay)) {
      writer.abort();
      co_return;
    }
    bool written = false;
    if (r.stamp) {
      std::string frame = r.frames[i];
      fill_stamps(frame);
      written = co_await writer.write(frame);
    } else {
      written = co_await writer.write(r.frames[i]);
    }
    if (!written) co_return;
  }
  co_await writer.finish();
}

http::Handler make_handler(MockService& service) {
  MockService* s = &service;
  return [s](http::Request& req, http::ResponseWriter& writer) { return serve(s, req, writer); };
}

}  // namespace heimdall::mock
