#include "http/deadline.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdint>

namespace heimdall::http {

namespace asio = boost::asio;

struct SocketDeadline::State {
  explicit State(const asio::any_io_executor& executor, asio::ip::tcp::socket& s)
      : timer(executor), socket(&s) {}
  asio::steady_timer timer;
  asio::ip::tcp::socket* socket;  // null once the owner is gone
  // Bumped by every arm()/disarm(): an expiry that was already queued when the deadline was moved
  // carries an old generation and must not close the socket.
  uint64_t generation = 0;
  bool fired = false;
};

SocketDeadline::SocketDeadline(const asio::any_io_executor& executor, asio::ip::tcp::socket& socket)
    : state_(std::make_shared<State>(executor, socket)) {}

SocketDeadline::~SocketDeadline() {
  state_->socket = nullptr;
  ++state_->generation;
  state_->timer.cancel();
}

void SocketDeadline::arm(std::chrono::milliseconds timeout) {
  const uint64_t generation = ++state_->generation;
  state_->fired = false;
  state_->timer.expires_after(timeout);
  state_->timer.async_wait([state = state_, generation](boost::system::error_code ec) {
    if (ec || state->generation != generation || state->socket == nullptr) {
      return;
    }
    state->fired = true;
    boost::system::error_code ignored;
    state->socket->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    state->socket->close(ignored);
  });
}

void SocketDeadline::disarm() {
  ++state_->generation;
  state_->timer.cancel();
}

bool SocketDeadline::fired() const { return state_->fired; }

}  // namespace heimdall::http
