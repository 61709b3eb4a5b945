// A per-connection deadline that closes a socket when it passes. Internal to src/http: the server
// session and the client connection use it instead of beast::tcp_stream timers (STACK.md §8);
// re-arming it per read costs a clock read, not a timer operation.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>

namespace heimdall::http {

/// Closes `socket` (aborting its pending operations) when an armed deadline expires. The state the
/// timer callback touches is shared with the callback, so the owner may be destroyed at any time,
/// even while an expiry is already queued. Use only on the socket's executor.
class SocketDeadline {
 public:
  SocketDeadline(const boost::asio::any_io_executor& executor,
                 boost::asio::ip::tcp::socket& socket);
  ~SocketDeadline();
  SocketDeadline(const SocketDeadline&) = delete;
  SocketDeadline& operator=(const SocketDeadline&) = delete;

  /// Starts (or restarts) the countdown; clears fired().
  void arm(std::chrono::milliseconds timeout);
  /// Stops the countdown; a queued expiry of an earlier arm() is ignored. Cheap: the timer's
  /// wait may stay pending (and wake once, harmlessly) until stop().
  void disarm();
  /// Disarms and cancels the pending wait, so an idle connection (pooled, or kept by a caller that
  /// is not reading) leaves nothing pending on its io_context.
  void stop();
  /// Whether the last arm() expired and closed the socket: the caller reports a timeout rather
  /// than the aborted operation's error.
  bool fired() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace heimdall::http
