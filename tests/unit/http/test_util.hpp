// Helpers for the http tests: run a client coroutine to completion on a private io_context, and a
// blocking raw socket for speaking broken HTTP to the server.
#pragma once

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <string>

namespace heimdall::http::test {

/// Runs `body(ioc)` on a fresh io_context until everything it started has finished; rethrows
/// what the coroutine threw. GoogleTest ASSERT_* cannot be used inside coroutines: use EXPECT_*.
inline void run_coro(std::function<boost::asio::awaitable<void>(boost::asio::io_context&)> body) {
  boost::asio::io_context ioc;
  std::exception_ptr error;
  boost::asio::co_spawn(ioc, body(ioc), [&](std::exception_ptr e) { error = e; });
  ioc.run();
  if (error) {
    std::rethrow_exception(error);
  }
}

/// A blocking loopback connection with a receive timeout, so a broken server fails the test
/// instead of hanging it.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : socket_(ioc_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    timeval tv{3, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  void write(std::string_view data) {
    boost::asio::write(socket_, boost::asio::buffer(data.data(), data.size()));
  }

  /// Everything until the peer closes (or the 3 s receive timeout).
  std::string read_until_close() {
    std::string out;
    char buf[4096];
    for (;;) {
      boost::system::error_code ec;
      const size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) {
        closed_ = ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
        return out;
      }
    }
  }

  /// Reads until `out` contains `needle` (or the peer closes).
  std::string read_until(std::string_view needle) {
    std::string out;
    char buf[4096];
    while (out.find(needle) == std::string::npos) {
      boost::system::error_code ec;
      const size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) {
        break;
      }
    }
    return out;
  }

  /// Whether read_until_close() ended because the peer closed (not the receive timeout).
  bool closed_by_peer() const { return closed_; }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  bool closed_ = false;
};

}  // namespace heimdall::http::test
