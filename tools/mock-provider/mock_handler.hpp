// tools/mock-provider/mock_handler.hpp
// Glue between the pure mock (MockService → MockResponse) and Heimdall's http::Server: plays a
// MockResponse onto a ResponseWriter, with delays on asio timers of the calling worker (never a
// sleeping thread). Used by main.cpp and by the in-process smoke test.
#pragma once

#include "http/server.hpp"
#include "mock_response.hpp"

#include <boost/asio/awaitable.hpp>

namespace heimdall::mock {

class MockService;

/// Writes `response` (delay, reset, JSON or SSE frames with event delays, mid-stream reset). Runs
/// on the writer's worker. Stops early when the client is gone or the coroutine is cancelled.
boost::asio::awaitable<void> play(const MockResponse& response, http::ResponseWriter& writer);

/// The server handler. `service` must outlive the server.
http::Handler make_handler(MockService& service);

}  // namespace heimdall::mock
