// tools/mock-provider/tests/recording_writer.hpp
// A ResponseWriter that records what play() does with it (status, headers, chunks, finish, abort),
// and run_play() to drive play() to completion on it.
#pragma once

#include "mock_handler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <string>
#include <vector>

namespace heimdall::mock::test {

namespace asio = boost::asio;

class RecordingWriter : public http::ResponseWriter {
 public:
  // http::ResponseWriter
  asio::awaitable<void> send(int status, http::HeaderList headers, std::string body) override {
    status_ = status;
    headers_ = std::move(headers);
    chunks_.push_back(std::move(body));
    co_return;
  }
  asio::awaitable<bool> start_stream(int status, http::HeaderList headers) override {
    status_ = status;
    headers_ = std::move(headers);
    started_ = true;
    co_return true;
  }
  asio::awaitable<bool> write(std::string_view data) override {
    chunks_.emplace_back(data);
    co_return true;
  }
  asio::awaitable<void> finish() override {
    finished_ = true;
    co_return;
  }
  bool started() const override { return started_; }
  void abort() override { aborted_ = true; }

  int status_ = 0;
  http::HeaderList headers_;
  std::vector<std::string> chunks_;
  bool started_ = false;
  bool finished_ = false;
  bool aborted_ = false;
};

inline RecordingWriter run_play(const MockResponse& r) {
  asio::io_context ioc;
  RecordingWriter w;
  std::exception_ptr failure;
  asio::co_spawn(ioc, play(r, w), [&](std::exception_ptr e) { failure = e; });
  ioc.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
  return w;
}

}  // namespace heimdall::mock::test
