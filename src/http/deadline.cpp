#include "http/deadline.hpp"

#include <boost/asio/steady_timer.hpp>

namespace heimdall::http {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// The timer is lazy: arm() only records the new expiry, and the one outstanding wait re-schedules
// itself when it wakes up early. A read loop that re-arms the same timeout on every read therefore
// costs a clock read per read instead of a cancel and a new wait (STACK.md §8's concern).
struct SocketDeadline::State {
  explicit State(const asio::any_io_executor& executor, asio::ip::tcp::socket& s)
      : timer(executor), socket(&s) {}

  void schedule(const std::shared_ptr<State>& self) {
    timer.expires_at(expiry);  // cancels a pending wait; its handler sees operation_aborted
    waiting = true;
    timer.async_wait([self](boost::system::error_code ec) { self->on_wake(self, ec); });
  }

  void on_wake(const std::shared_ptr<State>& self, boost::system::error_code ec) {
    if (ec == asio::error::operation_aborted) {
      return;  // superseded by a newer wait, or cancelled by stop()
    }
    waiting = false;
    if (socket == nullptr || expiry == Clock::time_point::max()) {
      return;  // owner gone, or disarmed
    }
    if (Clock::now() < expiry) {
      schedule(self);  // re-armed since this wait began
      return;
    }
    fired = true;
    expiry = Clock::time_point::max();
    boost::system::error_code ignored;
    socket->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket->close(ignored);
  }

  asio::steady_timer timer;
  asio::ip::tcp::socket* socket;                        // null once the owner is gone
  Clock::time_point expiry = Clock::time_point::max();  // max: disarmed
  bool waiting = false;
  bool fired = false;
};

SocketDeadline::SocketDeadline(const asio::any_io_executor& executor, asio::ip::tcp::socket& socket)
    : state_(std::make_shared<State>(executor, socket)) {}

SocketDeadline::~SocketDeadline() {
  state_->socket = nullptr;
  stop();
}

void SocketDeadline::arm(std::chrono::milliseconds timeout) {
  State& s = *state_;
  s.expiry = Clock::now() + timeout;
  s.fired = false;
  // A wait that wakes no later than the new expiry will re-schedule itself; only an earlier
  // expiry needs the timer moved.
  if (!s.waiting || s.timer.expiry() > s.expiry) {
    s.schedule(state_);
  }
}

void SocketDeadline::disarm() { state_->expiry = Clock::time_point::max(); }

void SocketDeadline::stop() {
  state_->expiry = Clock::time_point::max();
  if (state_->waiting) {
    state_->waiting = false;
    state_->timer.cancel();
  }
}

bool SocketDeadline::fired() const { return state_->fired; }

}  // namespace heimdall::http
