// The gateway between a real client and the real mock provider, all in-process over loopback: what
// reaches the upstream (bytes, headers, keys) and what the caller gets back (statuses, dialects,
// retries). The SDK-level checks live in tests/e2e; these pin the engine's own rules.
#include "engine/gateway.hpp"
#include "config/config.hpp"
#include "engine/runtime.hpp"
#include "http/client.hpp"
#include "http/server.hpp"
#include "mock_handler.hpp"
#include "mock_service.hpp"
#include "surfaces/router.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <memory>

namespace heimdall::engine {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

struct Reply {
  int status = 0;
  http::HeaderList headers;
  std::string body;
};

Reply call(uint16_t port, std::string path, std::string body, http::HeaderList headers = {},
           std::string method = "POST") {
  asio::io_context ioc;
  http::HttpClient client(ioc.get_executor());
  http::ClientRequest request;
  request.method = std::move(method);
  request.url = "http://127.0.0.1:" + std::to_string(port) + path;
  request.headers = std::move(headers);
  request.body = std::move(body);
  request.timeouts.first_byte = 10s;
  request.timeouts.idle = 10s;
  Reply reply;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        auto response = co_await client.send(std::move(request));
        if (!response) co_return;
        reply.status = (*response)->status();
        reply.headers = (*response)->headers();
        auto text = co_await (*response)->read_all(16 << 20);
        if (text) reply.body = std::move(*text);
      },
      asio::detached);
  ioc.run();
  return reply;
}

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions options;
    options.port = 0;
    options.workers = 1;
    mock_ = std::make_unique<http::Server>(options, mock::make_handler(mock_service_));
    mock_->start();
  }

  void TearDown() override {
    if (gateway_) {
      gateway_->stop(200ms);
      gateway_->wait();
    }
    mock_->stop(200ms);
    mock_->wait();
  }

  // Starts the gateway with `client` settings and mock-backed anthropic/openai providers.
  void start_gateway(std::string client_json = "{}", std::string openai_network_extra = "") {
    std::string mock = "http://127.0.0.1:" + std::to_string(mock_->port());
    std::string text = R"({"client":)" + client_json + R"(,"providers":{
      "anthropic":{"keys":[{"name":"a","value":"sk-configured-anthropic"}],
                   "network_config":{"base_url":")" +
                       mock + R"("}},
      "openai":{"keys":[{"name":"o","value":"sk-configured-openai"}],
                "network_config":{"base_url":")" +
                       mock + R"(/v1")" + openai_network_extra + R"(}}}})";
    std::vector<std::string> warnings;
    auto config = config::parse_config(text, config::process_env(), warnings);
    ASSERT_TRUE(config) << config.error().message;
    auto runtime = std::make_shared<const Runtime>(std::move(*config));
    auto router =
        std::make_shared<const surfaces::Router>(std::make_shared<const Gateway>(runtime));
    http::ServerOptions options;
    options.port = 0;
    options.workers = 1;
    options.max_body_bytes = 1 << 20;
    gateway_ = std::make_unique<http::Server>(
        options, [router](http::Request& request, http::ResponseWriter& writer) {
          return router->handle(request, writer);
        });
    gateway_->start();
  }

  json::array upstream_requests() {
    auto reply = call(mock_->port(), "/__requests", "", {}, "GET");
    return json::parse(reply.body).as_array();
  }

  uint16_t port() const { return gateway_->port(); }

  mock::MockService mock_service_;
  std::unique_ptr<http::Server> mock_;
  std::unique_ptr<http::Server> gateway_;
};

TEST_F(GatewayTest, FastPathSplicesOnlyTheModelAndForwardsAnthropicHeaders) {
  start_gateway();
  std::string body =
      R"({"model":"anthropic/claude-sonnet-4-5","max_tokens":64,"context_management":{"edits":[]},"messages":[{"role":"user","content":"hi"}],"temperature":0.70})";
  http::HeaderList headers;
  headers.add("anthropic-version", "2023-06-01");
  headers.add("anthropic-beta", "a-2025,b-2026");
  headers.add("x-api-key", "sk-caller");
  headers.add("x-bf-eh-x-tenant", "t1");
  headers.add("x-bf-eh-authorization", "Bearer stolen");
  auto reply = call(port(), "/anthropic/v1/messages?beta=true", body, headers);
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto sent = upstream_requests().back().as_object();
  EXPECT_EQ(sent.at("path"), "/v1/messages");
  EXPECT_EQ(sent.at("query"), "beta=true");
  std::string expected = body;
  expected.replace(expected.find("anthropic/claude-sonnet-4-5"), 27, "claude-sonnet-4-5");
  EXPECT_EQ(sent.at("body").as_string(), expected);  // byte for byte, 0.70 included
  const auto& upstream_headers = sent.at("headers").as_object();
  EXPECT_EQ(upstream_headers.at("anthropic-beta"), "a-2025,b-2026");
  EXPECT_EQ(upstream_headers.at("anthropic-version"), "2023-06-01");
  EXPECT_EQ(upstream_headers.at("x-tenant"), "t1");
  EXPECT_EQ(upstream_headers.at("x-api-key"), "sk-configured-anthropic");
  EXPECT_FALSE(upstream_headers.contains("authorization"));
  EXPECT_FALSE(upstream_headers.contains("x-bf-eh-x-tenant"));
  EXPECT_TRUE(reply.headers.contains("request-id"));
}

TEST_F(GatewayTest, DirectKeysReplaceConfiguredKeysOnlyWhenAllowed) {
  start_gateway(R"({"allow_direct_keys":true})");
  http::HeaderList anthropic_key;
  anthropic_key.add("x-api-key", "sk-caller-own");
  auto reply =
      call(port(), "/anthropic/v1/messages",
           R"({"model":"claude-x","max_tokens":8,"messages":[{"role":"user","content":"k"}]})",
           anthropic_key);
  ASSERT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("key=sk-caller-own"), std::string::npos) << reply.body;

  http::HeaderList bearer;
  bearer.add("authorization", "Bearer sk-caller-bearer");
  reply = call(port(), "/openai/v1/chat/completions",
               R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"k"}]})", bearer);
  ASSERT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("key=sk-caller-bearer"), std::string::npos) << reply.body;
}

TEST_F(GatewayTest, CallerKeysAreNeverForwardedWhenDirectKeysAreOff) {
  start_gateway();
  http::HeaderList headers;
  headers.add("authorization", "Bearer sk-caller-secret");
  auto reply =
      call(port(), "/openai/v1/chat/completions",
           R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"k"}]})", headers);
  ASSERT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("key=sk-configured-openai"), std::string::npos) << reply.body;
  for (const auto& request : upstream_requests()) {
    EXPECT_EQ(json::serialize(request).find("sk-caller-secret"), std::string::npos);
  }
}

TEST_F(GatewayTest, AnthropicCallerReachesOpenAiInOpenAiShape) {
  start_gateway("{}", R"(,"extra_headers":{"x-org":"acme"})");
  auto reply = call(port(), "/anthropic/v1/messages", R"({"model":"openai/gpt-4o-mini",
      "max_tokens":32000,"system":[{"type":"text","text":"be brief","cache_control":{"type":"ephemeral"}}],
      "stream":true,"messages":[{"role":"user","content":"hello"}]})");
  ASSERT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("event: message_stop"), std::string::npos) << reply.body;
  auto sent = upstream_requests().back().as_object();
  EXPECT_EQ(sent.at("path"), "/v1/chat/completions");
  EXPECT_EQ(sent.at("headers").as_object().at("x-org"), "acme");
  auto upstream = json::parse(sent.at("body").as_string()).as_object();
  EXPECT_EQ(upstream.at("model"), "gpt-4o-mini");
  EXPECT_EQ(upstream.at("max_tokens").to_number<int64_t>(), 16384);  // clamped to the model's cap
  EXPECT_EQ(upstream.at("messages").as_array()[0].as_object().at("role"), "system");
  EXPECT_EQ(upstream.at("stream_options").as_object().at("include_usage"), true);
}

TEST_F(GatewayTest, RetriesTransientUpstreamErrorsThenAnswersInTheCallersDialect) {
  start_gateway("{}", R"(,"max_retries":2,"retry_backoff_initial":1,"retry_backoff_max":5)");
  auto reply = call(port(), "/anthropic/v1/messages",
                    R"({"model":"openai/gpt-4o-mini","max_tokens":8,
                        "messages":[{"role":"user","content":"x [[status:503]]"}]})");
  EXPECT_EQ(reply.status, 503);
  auto error = json::parse(reply.body).as_object();
  EXPECT_EQ(error.at("type"), "error");
  EXPECT_EQ(error.at("error").as_object().at("type"), "api_error");
  EXPECT_EQ(upstream_requests().size(), 3u);  // the first attempt and two retries

  auto bad = call(port(), "/anthropic/v1/messages",
                  R"({"model":"openai/gpt-4o-mini","max_tokens":8,
                      "messages":[{"role":"user","content":"x [[status:400]]"}]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(upstream_requests().size(), 4u);  // a caller error is never retried
}

TEST_F(GatewayTest, RateLimitsKeepRetryAfter) {
  start_gateway();
  auto reply = call(
      port(), "/openai/v1/chat/completions",
      R"({"model":"anthropic/claude-x","messages":[{"role":"user","content":"x [[status:429]] [[retry-after:7]]"}]})");
  EXPECT_EQ(reply.status, 429);
  EXPECT_EQ(reply.headers.get("retry-after"), "7");
  EXPECT_EQ(json::parse(reply.body).at("error").at("type"), "rate_limit_error");
}

TEST_F(GatewayTest, OversizedBodiesGet413InTheCallersDialect) {
  start_gateway();
  std::string big(2 << 20, 'a');
  auto anthropic = call(port(), "/anthropic/v1/messages", big);
  EXPECT_EQ(anthropic.status, 413);
  EXPECT_EQ(json::parse(anthropic.body).at("error").at("type"), "request_too_large");
  auto openai = call(port(), "/v1/chat/completions", big);
  EXPECT_EQ(openai.status, 413);
  EXPECT_TRUE(json::parse(openai.body).as_object().contains("error"));
  EXPECT_TRUE(upstream_requests().empty());
}

TEST_F(GatewayTest, MidStreamResetBecomesAnInStreamError) {
  start_gateway();
  auto reply = call(port(), "/anthropic/v1/messages",
                    R"({"model":"openai/gpt-4o-mini","max_tokens":64,"stream":true,
                        "messages":[{"role":"user","content":"hello [[reset-mid-stream]]"}]})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("event: error"), std::string::npos) << reply.body;
  EXPECT_EQ(reply.body.find("message_stop"), std::string::npos);
}

TEST_F(GatewayTest, SilentUpstreamsGetPingsInTheCallersDialect) {
  start_gateway(R"({"stream_ping_interval_ms":100})");
  // The mock pauses 350 ms between events and sends no pings on OpenAI streams.
  auto anthropic = call(port(), "/anthropic/v1/messages",
                        R"({"model":"openai/gpt-4o-mini","max_tokens":64,"stream":true,
                            "messages":[{"role":"user","content":"two words [[event-delay:350]]"}]})");
  EXPECT_EQ(anthropic.status, 200);
  EXPECT_NE(anthropic.body.find("event: ping\ndata: {\"type\":\"ping\"}\n\n"), std::string::npos)
      << anthropic.body;
  EXPECT_NE(anthropic.body.find("event: message_stop"), std::string::npos);
  auto openai = call(port(), "/openai/v1/chat/completions",
                     R"({"model":"gpt-4o-mini","stream":true,
                         "messages":[{"role":"user","content":"two words [[event-delay:350]]"}]})");
  EXPECT_EQ(openai.status, 200);
  EXPECT_NE(openai.body.find(": ping\n\n"), std::string::npos) << openai.body;
  EXPECT_NE(openai.body.find("data: [DONE]"), std::string::npos);
}

TEST_F(GatewayTest, UnknownProvidersAndRoutesAreNotFound) {
  start_gateway();
  auto unknown = call(port(), "/anthropic/v1/messages",
                      R"({"model":"groq/llama","max_tokens":8,"messages":[]})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json::parse(unknown.body).at("error").at("type"), "not_found_error");
  auto route = call(port(), "/openai/v1/nothing", "", {}, "GET");
  EXPECT_EQ(route.status, 404);
  auto health = call(port(), "/health", "", {}, "GET");
  EXPECT_EQ(health.status, 200);
  EXPECT_TRUE(health.headers.contains("request-id"));
}

}  // namespace
}  // namespace heimdall::engine
