// KeepAlive beside a relay, with a fake caller connection and a fake upstream: when pings go out,
// that none lands inside a frame, and what a ping that finds the caller gone does.
#include "engine/keepalive.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <string>
#include <vector>

namespace heimdall::engine {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kPing = "event: ping\ndata: {\"type\":\"ping\"}\n\n";

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

struct Write {
  Clock::time_point at;
  std::string data;
};

// Records each write and when it ended; `accept` false plays a caller that has gone, and
// `delay` a write the kernel did not take at once.
class FakeWriter final : public http::ResponseWriter {
 public:
  asio::awaitable<void> send(int, http::HeaderList, std::string) override { co_return; }
  asio::awaitable<bool> start_stream(int, http::HeaderList) override { co_return true; }
  asio::awaitable<bool> write(std::string_view data) override {
    ++started_writes;
    if (delay.count() > 0) co_await sleep_for(delay);
    writes.push_back({Clock::now(), std::string(data)});
    co_return accept;
  }
  asio::awaitable<void> finish() override { co_return; }
  bool started() const override { return true; }
  void abort() override {}

  size_t pings() const {
    size_t n = 0;
    for (const auto& w : writes) n += w.data == kPing;
    return n;
  }

  std::vector<Write> writes;
  size_t started_writes = 0;
  bool accept = true;
  std::chrono::milliseconds delay{0};
};

class FakeUpstream final : public http::ClientResponse {
 public:
  int status() const override { return 200; }
  const http::HeaderList& headers() const override { return headers_; }
  asio::awaitable<schema::Result<std::string_view>> read_some() override {
    co_return std::string_view();
  }
  asio::awaitable<schema::Result<std::string>> read_all(size_t) override {
    co_return std::string();
  }
  void cancel() override { cancelled = true; }

  bool cancelled = false;

 private:
  http::HeaderList headers_;
};

constexpr auto kInterval = 60ms;

class KeepAliveTest : public ::testing::Test {
 protected:
  // Runs `relay` beside a KeepAlive, then stops it as a relay does.
  void run(std::function<asio::awaitable<void>(KeepAlive&)> relay) {
    asio::io_context ioc;
    std::exception_ptr error;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          KeepAlive keepalive(co_await asio::this_coro::executor, writer_, upstream_,
                              schema::Dialect::Anthropic, kInterval);
          co_await relay(keepalive);
          co_await keepalive.stop();
          client_gone_ = keepalive.client_gone();
        },
        [&](std::exception_ptr e) { error = e; });
    ioc.run();
    if (error) std::rethrow_exception(error);
  }

  asio::awaitable<void> relay_write(KeepAlive& keepalive, std::string_view data,
                                    bool at_frame_end = true) {
    keepalive.on_write(at_frame_end);
    co_await writer_.write(data);
  }

  FakeWriter writer_;
  FakeUpstream upstream_;
  bool client_gone_ = false;
};

TEST_F(KeepAliveTest, PingsOnlyAfterTheStreamWasSilentForTheInterval) {
  run([&](KeepAlive& keepalive) -> asio::awaitable<void> {
    for (int i = 0; i < 10; ++i) {
      co_await relay_write(keepalive, "data: busy\n\n");
      co_await sleep_for(kInterval / 4);
    }
    co_await sleep_for(kInterval * 3);
    co_await relay_write(keepalive, "data: last\n\n");
  });
  EXPECT_GE(writer_.pings(), 1u);
  // Each ping follows the write before it by at least the interval (a slow machine only makes the
  // gaps longer). Writes are stamped when they end, pings when they go out.
  for (size_t i = 1; i < writer_.writes.size(); ++i) {
    if (writer_.writes[i].data == kPing) {
      EXPECT_GE(writer_.writes[i].at - writer_.writes[i - 1].at, kInterval - 5ms) << i;
    }
  }
  EXPECT_FALSE(client_gone_);
}

TEST_F(KeepAliveTest, NoPingInsideAFrame) {
  run([&](KeepAlive& keepalive) -> asio::awaitable<void> {
    co_await relay_write(keepalive, "event: content_block_delta\ndata: {\"a\"", false);
    co_await sleep_for(kInterval * 4);
    EXPECT_EQ(writer_.pings(), 0u);
    co_await relay_write(keepalive, ":1}\n\n");
    co_await sleep_for(kInterval * 3);
  });
  ASSERT_GE(writer_.writes.size(), 3u);
  EXPECT_EQ(writer_.writes[1].data, ":1}\n\n");
  EXPECT_EQ(writer_.writes[2].data, kPing);
}

TEST_F(KeepAliveTest, APingThatFindsTheCallerGoneDropsTheUpstream) {
  writer_.accept = false;
  run([&](KeepAlive&) -> asio::awaitable<void> { co_await sleep_for(kInterval * 3); });
  EXPECT_EQ(writer_.pings(), 1u);  // no ping after the failed one
  EXPECT_TRUE(upstream_.cancelled);
  EXPECT_TRUE(client_gone_);
}

TEST_F(KeepAliveTest, StopWaitsForAPingInFlight) {
  writer_.delay = kInterval;
  run([&](KeepAlive&) -> asio::awaitable<void> {
    // The first ping starts after one interval and takes another to be written.
    while (writer_.started_writes == 0) co_await sleep_for(5ms);
  });
  // stop() returned only after the ping's write ended, so the relay could safely finish.
  ASSERT_EQ(writer_.writes.size(), 1u);
  EXPECT_EQ(writer_.writes[0].data, kPing);
  EXPECT_FALSE(upstream_.cancelled);
}

}  // namespace
}  // namespace heimdall::engine
