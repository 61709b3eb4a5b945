#include "engine/keepalive.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace heimdall::engine {

namespace asio = boost::asio;

KeepAlive::KeepAlive(http::ResponseWriter& writer, schema::Dialect dialect,
                     std::chrono::milliseconds interval)
    : writer_(writer),
      ping_(dialect == schema::Dialect::Anthropic ? "event: ping\ndata: {\"type\":\"ping\"}\n\n"
                                                  : ": ping\n\n"),
      interval_(interval) {}

asio::awaitable<bool> KeepAlive::write(std::string_view data) {
  // A ping in flight is one small write: yield until it is done rather than interleave.
  while (writing_) co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  writing_ = true;
  bool ok = co_await writer_.write(data);
  writing_ = false;
  last_write_ = std::chrono::steady_clock::now();
  co_return ok;
}

asio::awaitable<void> KeepAlive::run() {
  if (interval_.count() <= 0) co_return;
  timer_.emplace(co_await asio::this_coro::executor);
  while (!stopped_) {
    timer_->expires_at(last_write_ + interval_);
    boost::system::error_code ec;
    co_await timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopped_) break;
    if (writing_ || std::chrono::steady_clock::now() - last_write_ < interval_) continue;
    if (!co_await write(ping_)) throw ClientGone{};
  }
}

void KeepAlive::stop() {
  stopped_ = true;
  if (timer_) timer_->cancel();
}

}  // namespace heimdall::engine
