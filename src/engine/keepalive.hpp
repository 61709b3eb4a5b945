// Keeps a caller's stream alive while the provider is silent (reasoning models may think for
// minutes before the first token): after `interval` without a write, a ping goes out in the
// caller's dialect (Anthropic `event: ping`, an SSE comment for OpenAI callers, which their SDK
// skips). A ping also finds a caller that has gone, so the upstream request is dropped instead of
// running on (anthropic.md §4.4, checklist 80 and 87). One per stream, on the stream's worker.
//
// The relay writes to the ResponseWriter itself and tells the keep-alive before each write: a
// relayed chunk costs a clock read here, no timer operation and no coroutine. The pinger is a
// coroutine of its own that sleeps until the stream has been silent for `interval`.
#pragma once

#include "http/client.hpp"
#include "http/server.hpp"
#include "schema/request.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>

namespace heimdall::engine {

class KeepAlive {
 public:
  /// Starts pinging on `executor` (the stream's worker) unless `interval` is zero. `writer` and
  /// `upstream` must outlive the co_await of stop().
  KeepAlive(const boost::asio::any_io_executor& executor, http::ResponseWriter& writer,
            http::ClientResponse& upstream, schema::Dialect dialect,
            std::chrono::milliseconds interval);
  /// Stops the pinger if stop() was not awaited (the relay threw); it then touches nothing of
  /// the stream again.
  ~KeepAlive();
  KeepAlive(const KeepAlive&) = delete;
  KeepAlive& operator=(const KeepAlive&) = delete;

  /// Call before each write of the stream. `at_frame_end`: the stream will end on a frame
  /// boundary after this write, so a ping may follow it (a ping never lands inside a frame).
  void on_write(bool at_frame_end);
  /// Whether a ping found the caller gone; the upstream read has then been cancelled.
  bool client_gone() const;
  /// Ends pinging and waits for a ping in flight, so the relay may finish the stream or return.
  boost::asio::awaitable<void> stop();

 private:
  struct State;
  static boost::asio::awaitable<void> run(std::shared_ptr<State> state);

  std::shared_ptr<State> state_;
};

}  // namespace heimdall::engine
