#include "engine/keepalive.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <string_view>

namespace heimdall::engine {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// Shared by the relay's KeepAlive and the pinger coroutine, which may wake once more after the
// relay has gone (a cancelled wait); after `stopped` it touches nothing but this state.
struct KeepAlive::State {
  State(const asio::any_io_executor& executor, http::ResponseWriter& w, http::ClientResponse& u,
        schema::Dialect dialect, std::chrono::milliseconds i)
      : timer(executor),
        writer(&w),
        upstream(&u),
        ping(dialect == schema::Dialect::Anthropic ? "event: ping\ndata: {\"type\":\"ping\"}\n\n"
                                                   : ": ping\n\n"),
        interval(i) {}

  asio::steady_timer timer;
  http::ResponseWriter* writer;
  http::ClientResponse* upstream;
  std::string_view ping;
  std::chrono::milliseconds interval;
  Clock::time_point last_write = Clock::now();
  bool at_frame_end = true;
  bool pinging = false;  // a ping write is in flight
  bool stopped = false;
  bool client_gone = false;
};

KeepAlive::KeepAlive(const asio::any_io_executor& executor, http::ResponseWriter& writer,
                     http::ClientResponse& upstream, schema::Dialect dialect,
                     std::chrono::milliseconds interval)
    : state_(std::make_shared<State>(executor, writer, upstream, dialect, interval)) {
  if (interval.count() <= 0) {
    state_->stopped = true;
    return;
  }
  asio::co_spawn(executor, run(state_), [](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("stream keep-alive failed: {}", ex.what());
      }
    }
  });
}

KeepAlive::~KeepAlive() {
  state_->stopped = true;
  state_->timer.cancel();
}

void KeepAlive::on_write(bool at_frame_end) {
  state_->last_write = Clock::now();
  state_->at_frame_end = at_frame_end;
}

bool KeepAlive::client_gone() const { return state_->client_gone; }

asio::awaitable<void> KeepAlive::stop() {
  state_->stopped = true;
  state_->timer.cancel();
  // The relay may be about to return and take the writer with it: a ping write in flight (it may
  // last until the write deadline) must end first. The pinger cancels this wait when it does.
  while (state_->pinging) {
    state_->timer.expires_at(Clock::time_point::max());
    co_await state_->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> KeepAlive::run(std::shared_ptr<State> state) {
  State& s = *state;
  // The timer is moved only when it wakes: writes just stamp last_write, and a wake-up before the
  // stream has been silent for `interval` sleeps again until it has.
  auto next = s.last_write + s.interval;
  for (;;) {
    s.timer.expires_at(next);
    co_await s.timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (s.stopped) {
      co_return;
    }
    const auto now = Clock::now();
    if (now - s.last_write < s.interval) {
      next = s.last_write + s.interval;
      continue;
    }
    if (!s.at_frame_end) {
      // The upstream paused inside a frame: the rest of the frame has to come first.
      next = now + s.interval;
      continue;
    }
    s.pinging = true;
    const bool delivered = co_await s.writer->write(s.ping);
    s.pinging = false;
    if (s.stopped) {
      s.timer.cancel();  // stop() is waiting for this ping
      co_return;
    }
    if (!delivered) {
      // The relay is waiting on the upstream: dropping the connection ends that wait.
      s.client_gone = true;
      s.upstream->cancel();
      co_return;
    }
    s.last_write = Clock::now();
    next = s.last_write + s.interval;
  }
}

}  // namespace heimdall::engine
