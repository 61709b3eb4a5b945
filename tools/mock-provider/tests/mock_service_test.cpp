#include "mock_service.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace heimdall::mock {
namespace {

constexpr std::string_view kAnthropicBody =
    R"({"model":"claude-x","max_tokens":10,"messages":[{"role":"user","content":"hi"}]})";
constexpr std::string_view kOpenAiBody =
    R"({"model":"gpt-x","messages":[{"role":"user","content":"hi"}]})";

MockResponse call(MockService& s, std::string method, std::string target, HeaderFields headers = {},
                  std::string body = "") {
  const test::OwnedRequest req{std::move(method), std::move(target), std::move(headers),
                               std::move(body)};
  return s.handle(req.view());
}

TEST(MockServiceTest, HealthAndRoutes) {
  MockService s;
  EXPECT_EQ(call(s, "GET", "/health").body, R"({"status":"ok"})");
  auto r =
      call(s, "POST", "/v1/messages?beta=true", {{"x-api-key", "a"}}, std::string(kAnthropicBody));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(test::parse_json(r.body).at("type"), "message");
  r = call(s, "POST", "/v1/chat/completions", {{"authorization", "Bearer b"}},
           std::string(kOpenAiBody));
  EXPECT_EQ(test::parse_json(r.body).at("object"), "chat.completion");
  r = call(s, "POST", "/v1/messages/count_tokens", {{"authorization", "Bearer c"}},
           std::string(kAnthropicBody));
  EXPECT_TRUE(test::parse_json(r.body).as_object().contains("input_tokens"));
}

TEST(MockServiceTest, AuthenticationPerDialect) {
  MockService s;
  auto r = call(s, "POST", "/v1/messages", {}, std::string(kAnthropicBody));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(test::parse_json(r.body).at("error").at("type"), "authentication_error");
  r = call(s, "POST", "/v1/chat/completions", {{"x-api-key", "not-enough"}},
           std::string(kOpenAiBody));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(test::parse_json(r.body).at("error").at("code"), "invalid_api_key");
  r = call(s, "POST", "/v1/messages", {{"authorization", "Bearer tok"}},
           std::string(kAnthropicBody));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(test::parse_json(r.body).at("content").at(0).at("text").as_string().find("key=tok"),
            std::string::npos);
}

TEST(MockServiceTest, ModelsDialectFollowsAnthropicVersionHeader) {
  MockService s;
  auto r = call(s, "GET", "/v1/models", {{"x-api-key", "k"}, {"anthropic-version", "2023-06-01"}});
  EXPECT_TRUE(test::parse_json(r.body).as_object().contains("has_more"));
  r = call(s, "GET", "/v1/models", {{"authorization", "Bearer k"}});
  EXPECT_EQ(test::parse_json(r.body).at("object"), "list");
  r = call(s, "GET", "/v1/models/claude-y",
           {{"x-api-key", "k"}, {"anthropic-version", "2023-06-01"}});
  EXPECT_EQ(test::parse_json(r.body).at("type"), "model");
}

TEST(MockServiceTest, HeaderTriggersOnCountTokensAndModels) {
  MockService s;
  auto r = call(s, "POST", "/v1/messages/count_tokens",
                {{"x-api-key", "k"}, {"x-mock-status", "529"}}, std::string(kAnthropicBody));
  EXPECT_EQ(r.status, 529);
  EXPECT_EQ(test::parse_json(r.body).at("error").at("type"), "overloaded_error");
  r = call(s, "GET", "/v1/models",
           {{"authorization", "Bearer k"}, {"x-mock-delay-ms", "7"}, {"x-mock-reset", "before"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.delay.count(), 7);
  EXPECT_TRUE(r.reset_before);
}

TEST(MockServiceTest, UnknownRoutesAre404InPathDialect) {
  MockService s;
  auto r = call(s, "POST", "/v1/messages/batches", {{"x-api-key", "k"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(test::parse_json(r.body).at("error").at("type"), "not_found_error");
  r = call(s, "GET", "/v1/chat/completions");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(test::parse_json(r.body).at("error").at("code"), "unknown_url");
  r = call(s, "GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(test::parse_json(r.body).at("error").as_object().contains("param"));
}

TEST(MockServiceTest, RequestLogRecordsAndClears) {
  MockService s;
  call(s, "POST", "/v1/messages?beta=true", {{"x-api-key", "a"}, {"x-dup", "1"}, {"x-dup", "2"}},
       std::string(kAnthropicBody));
  call(s, "GET", "/health");
  auto log = test::parse_json(call(s, "GET", "/__requests").body).as_array();
  ASSERT_EQ(log.size(), 1U);
  EXPECT_EQ(log[0].at("method"), "POST");
  EXPECT_EQ(log[0].at("path"), "/v1/messages");
  EXPECT_EQ(log[0].at("query"), "beta=true");
  EXPECT_EQ(log[0].at("headers").at("x-api-key"), "a");
  EXPECT_EQ(log[0].at("headers").at("x-dup"), "1, 2");
  EXPECT_EQ(log[0].at("body").as_string(), kAnthropicBody);
  EXPECT_EQ(call(s, "DELETE", "/__requests").status, 200);
  EXPECT_TRUE(test::parse_json(call(s, "GET", "/__requests").body).as_array().empty());
}

TEST(MockServiceTest, RequestLogIsBoundedAndThreadSafe) {
  RequestLog log(1000);
  const HeaderFields headers;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log, &headers, t] {
      for (int i = 0; i < 400; ++i) {
        const std::string body = std::to_string(t) + ":" + std::to_string(i);
        log.record(MockRequest{"POST", "/x", headers, body});
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(log.size(), 1000U);
  EXPECT_EQ(test::parse_json(log.to_json()).as_array().size(), 1000U);
}

TEST(MockServiceTest, RejectionErrorsUseDialect) {
  const HeaderFields headers;
  const auto a =
      MockService::error_for(MockRequest{"POST", "/v1/messages", headers, ""}, 413, "too large");
  EXPECT_EQ(a.status, 413);
  EXPECT_EQ(test::parse_json(a.body).at("error").at("type"), "request_too_large");
  const auto o = MockService::error_for(MockRequest{"POST", "/v1/chat/completions", headers, ""},
                                        413, "too large");
  EXPECT_EQ(test::parse_json(o.body).at("error").at("type"), "invalid_request_error");
}

}  // namespace
}  // namespace heimdall::mock
