// Keeps a caller's stream alive while the provider is silent (reasoning models may think for
// minutes before the first token): after `interval` without a write, a ping goes out in the
// caller's dialect (Anthropic `event: ping`, an SSE comment for OpenAI callers, which their SDK
// skips). A ping also finds a caller that has gone, so the upstream request is dropped instead of
// running on (anthropic.md §4.4, checklist 80 and 87). One per stream, on the stream's worker.
#pragma once

#include "http/server.hpp"
#include "schema/request.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace heimdall::engine {

class KeepAlive {
 public:
  KeepAlive(http::ResponseWriter& writer, schema::Dialect dialect,
            std::chrono::milliseconds interval);

  /// Every frame of the stream goes through here, so a ping never lands inside a frame.
  boost::asio::awaitable<bool> write(std::string_view data);
  /// Pings while the stream is idle; returns after stop(). Throws ClientGone when a ping finds
  /// the caller gone, which cancels the relay it runs beside (asio's `&&`).
  boost::asio::awaitable<void> run();
  void stop();

  struct ClientGone {};

 private:
  http::ResponseWriter& writer_;
  std::string_view ping_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_write_ = std::chrono::steady_clock::now();
  bool writing_ = false;
  bool stopped_ = false;
  std::optional<boost::asio::steady_timer> timer_;
};

}  // namespace heimdall::engine
