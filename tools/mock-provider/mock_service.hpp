// tools/mock-provider/mock_service.hpp
// The mock's router: maps a request to the route's answer (see the table in README.md), checks the
// dialect's authentication, and records requests for /__requests. Pure: it decides a MockResponse;
// mock_handler plays it onto the wire. One instance is shared by all server workers.
#pragma once

#include "mock_response.hpp"
#include "request_log.hpp"

#include <string_view>

namespace heimdall::mock {

enum class Dialect { Anthropic, OpenAi };

class MockService {
 public:
  /// Thread-safe (the request log has its own lock; everything else is per call).
  MockResponse handle(const MockRequest& req);
  /// An error in the dialect of the request's path (for requests the server rejected).
  static MockResponse error_for(const MockRequest& req, int status, std::string_view message);
  static Dialect dialect_of(const MockRequest& req);

  RequestLog& log() { return log_; }

 private:
  RequestLog log_;
};

}  // namespace heimdall::mock
