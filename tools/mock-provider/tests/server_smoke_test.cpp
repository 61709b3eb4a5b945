// End-to-end over loopback: the mock's handler on a real http::Server (port 0), driven by
// http::HttpClient on the test's own io_context. Checks the wire behaviour the pure tests cannot
// see: chunked SSE, delays on timers, resets.
#include "http/client.hpp"
#include "http/server.hpp"
#include "mock_handler.hpp"
#include "mock_service.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <memory>

namespace heimdall::mock {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct Reply {
  bool sent = false;     // status line and headers arrived
  bool body_ok = false;  // the body was read to its end
  int status = 0;
  http::HeaderList headers;
  std::string body;
};

class ServerSmokeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.workers = 1;
    server_ = std::make_unique<http::Server>(options, make_handler(service_));
    server_->start();
  }

  void TearDown() override {
    server_->stop(200ms);
    server_->wait();
  }

  Reply call(std::string method, std::string path, http::HeaderList headers = {},
             std::string body = "") {
    asio::io_context ioc;
    http::HttpClient client(ioc.get_executor());
    http::ClientRequest req;
    req.method = std::move(method);
    req.url = "http://127.0.0.1:" + std::to_string(server_->port()) + path;
    req.headers = std::move(headers);
    req.body = std::move(body);
    req.timeouts.first_byte = 5s;
    req.timeouts.idle = 5s;
    Reply reply;
    std::exception_ptr failure;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          auto res = co_await client.send(std::move(req));
          if (!res) {
            co_return;
          }
          reply.sent = true;
          reply.status = (*res)->status();
          reply.headers = (*res)->headers();
          auto body = co_await (*res)->read_all(10 * 1024 * 1024);
          if (body) {
            reply.body_ok = true;
            reply.body = std::move(*body);
          }
        },
        [&](std::exception_ptr e) { failure = e; });
    ioc.run();
    if (failure) {
      std::rethrow_exception(failure);
    }
    return reply;
  }

  static http::HeaderList anthropic_headers() {
    http::HeaderList h;
    h.add("x-api-key", "sk-smoke");
    h.add("anthropic-version", "2023-06-01");
    h.add("content-type", "application/json");
    return h;
  }

  MockService service_;
  std::unique_ptr<http::Server> server_;
};

constexpr std::string_view kStreamBody =
    R"({"model":"claude-x","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]})";

TEST_F(ServerSmokeTest, HealthAndRequestLog) {
  auto r = call("GET", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok"})");
  call("POST", "/v1/messages?beta=true", anthropic_headers(),
       R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}]})");
  r = call("GET", "/__requests");
  const auto log = test::parse_json(r.body);
  ASSERT_EQ(log.as_array().size(), 1U);
  EXPECT_EQ(log.at(0).at("path"), "/v1/messages");
  EXPECT_EQ(log.at(0).at("headers").at("x-api-key"), "sk-smoke");
}

TEST_F(ServerSmokeTest, AnthropicStreamOverTheWire) {
  const auto r = call("POST", "/v1/messages", anthropic_headers(), std::string(kStreamBody));
  ASSERT_TRUE(r.body_ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("content-type"), "text/event-stream; charset=utf-8");
  EXPECT_TRUE(r.headers.get("request-id")->starts_with("req_mock_"));
  EXPECT_TRUE(r.body.starts_with("event: message_start\ndata: {"));
  EXPECT_TRUE(r.body.ends_with("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
}

TEST_F(ServerSmokeTest, OpenAiStreamOneChunkPerEvent) {
  http::HeaderList h;
  h.add("authorization", "Bearer sk-o");
  h.add("x-mock-event-delay-ms", "0");
  const auto r = call("POST", "/v1/chat/completions", std::move(h),
                      R"({"model":"g","stream":true,"messages":[{"role":"user","content":"x"}]})");
  ASSERT_TRUE(r.body_ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.starts_with("data: {"));
  EXPECT_TRUE(r.body.ends_with("data: [DONE]\n\n"));
}

TEST_F(ServerSmokeTest, OpenAiErrorStatusFromHeader) {
  http::HeaderList h;
  h.add("authorization", "Bearer sk-o");
  h.add("x-mock-status", "429");
  const auto r = call("POST", "/v1/chat/completions", std::move(h),
                      R"({"model":"g","messages":[{"role":"user","content":"x"}]})");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers.get("retry-after"), "2");
  EXPECT_EQ(test::parse_json(r.body).at("error").at("code"), "rate_limit_exceeded");
}

TEST_F(ServerSmokeTest, DelaysUseTimers) {
  auto h = anthropic_headers();
  h.add("x-mock-delay-ms", "120");
  h.add("x-mock-event-delay-ms", "10");
  const auto start = std::chrono::steady_clock::now();
  const auto r = call("POST", "/v1/messages", std::move(h), std::string(kStreamBody));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.body_ok);
  EXPECT_GE(elapsed, 120ms + 10 * 10ms);
}

TEST_F(ServerSmokeTest, ResetBeforeAnswering) {
  auto h = anthropic_headers();
  h.add("x-mock-reset", "before");
  const auto r = call("POST", "/v1/messages", std::move(h), std::string(kStreamBody));
  EXPECT_FALSE(r.sent);
}

TEST_F(ServerSmokeTest, ResetMidStream) {
  auto h = anthropic_headers();
  h.add("x-mock-reset", "mid-stream");
  const auto r = call("POST", "/v1/messages", std::move(h), std::string(kStreamBody));
  EXPECT_TRUE(r.sent);
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.body_ok);
}

}  // namespace
}  // namespace heimdall::mock
