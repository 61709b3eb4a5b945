// play(): how a MockResponse becomes writer calls (chunks, timers, aborts), on a recording fake
// writer.
#include "mock_handler.hpp"
#include "recording_writer.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>

namespace heimdall::mock {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::RecordingWriter;
using test::run_play;

MockResponse stream_of(size_t frames) {
  MockResponse r;
  r.stream = true;
  r.headers.emplace_back("content-type", "text/event-stream");
  for (size_t i = 0; i < frames; ++i) {
    r.frames.push_back("data: " + std::to_string(i) + "\n\n");
  }
  return r;
}

TEST(MockHandlerTest, JsonIsOneSend) {
  MockResponse r;
  r.status = 201;
  r.headers.emplace_back("x-a", "b");
  r.body = "{}";
  const auto w = run_play(r);
  EXPECT_EQ(w.status_, 201);
  EXPECT_EQ(w.headers_.get("x-a"), "b");
  EXPECT_EQ(w.chunks_, std::vector<std::string>{"{}"});
  EXPECT_FALSE(w.started_);
}

TEST(MockHandlerTest, BackToBackFramesAreOneChunk) {
  const auto w = run_play(stream_of(3));
  EXPECT_TRUE(w.started_);
  EXPECT_TRUE(w.finished_);
  EXPECT_EQ(w.chunks_, std::vector<std::string>{"data: 0\n\ndata: 1\n\ndata: 2\n\n"});
}

TEST(MockHandlerTest, ExplicitEventDelayWritesOneChunkPerEvent) {
  auto r = stream_of(3);
  r.event_delay = 0ms;
  auto w = run_play(r);
  EXPECT_EQ(w.chunks_.size(), 3U);
  EXPECT_TRUE(w.finished_);

  r.event_delay = 15ms;
  const auto start = std::chrono::steady_clock::now();
  w = run_play(r);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  EXPECT_EQ(w.chunks_.size(), 3U);
}

TEST(MockHandlerTest, ResetAfterFramesAborts) {
  auto r = stream_of(5);
  r.reset_after_frames = 2;
  auto w = run_play(r);
  EXPECT_EQ(w.chunks_, std::vector<std::string>{"data: 0\n\ndata: 1\n\n"});
  EXPECT_TRUE(w.aborted_);
  EXPECT_FALSE(w.finished_);

  r.event_delay = 0ms;
  w = run_play(r);
  EXPECT_EQ(w.chunks_.size(), 2U);
  EXPECT_TRUE(w.aborted_);
  EXPECT_FALSE(w.finished_);
}

TEST(MockHandlerTest, ResetBeforeWaitsThenAbortsWithoutAnswer) {
  MockResponse r;
  r.reset_before = true;
  r.delay = 20ms;
  const auto start = std::chrono::steady_clock::now();
  const auto w = run_play(r);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  EXPECT_TRUE(w.aborted_);
  EXPECT_TRUE(w.chunks_.empty());
  EXPECT_EQ(w.status_, 0);
}

}  // namespace
}  // namespace heimdall::mock
