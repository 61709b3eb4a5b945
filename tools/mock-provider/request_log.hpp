// tools/mock-provider/request_log.hpp
// The requests the mock received, newest last, bounded (oldest dropped first), served as JSON on
// GET /__requests so e2e tests can check what Heimdall sent upstream. Shared by all workers: a
// mutex guards it (a test tool, not a hot path worth sharding).
#pragma once

#include "mock_response.hpp"

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

namespace heimdall::mock {

class RequestLog {
 public:
  explicit RequestLog(size_t capacity = 1000) : capacity_(capacity) {}

  /// Copies the request. Thread-safe.
  void record(const MockRequest& req);
  /// `[{"method","path","query","headers":{name: value},"body"}…]`; repeated headers are joined
  /// with
  /// ", ". Thread-safe.
  std::string to_json() const;
  void clear();
  size_t size() const;

 private:
  struct Entry {
    std::string method;
    std::string path;
    std::string query;
    HeaderFields headers;
    std::string body;
  };

  const size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<Entry> entries_;
};

}  // namespace heimdall::mock
