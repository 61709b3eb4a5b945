#include "engine/upstream.hpp"

#include "engine/key_selector.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <random>

namespace heimdall::engine {

namespace asio = boost::asio;

schema::Result<providers::Credential> pick_credential(const Runtime& runtime,
                                                      const providers::Provider& provider,
                                                      std::string_view model,
                                                      const http::HeaderList& caller_headers) {
  if (runtime.config().client.allow_direct_keys) {
    if (auto key = caller_headers.get("x-api-key"); key && !key->empty()) {
      return providers::Credential{std::string(*key), false, "direct"};
    }
    if (auto auth = caller_headers.get("authorization")) {
      constexpr std::string_view kBearer = "Bearer ";
      if (auth->size() > kBearer.size() &&
          http::iequals(auth->substr(0, kBearer.size()), kBearer)) {
        return providers::Credential{std::string(auth->substr(kBearer.size())), true, "direct"};
      }
    }
  }
  const auto& keys = provider.config().keys;
  if (keys.empty()) return providers::Credential{};
  const auto* key = select_key(keys, model, thread_rng());
  if (key == nullptr) {
    return schema::Error::not_found("model '" + std::string(model) +
                                    "' is not available on provider '" + provider.name() +
                                    "': no configured key allows it");
  }
  return providers::Credential{key->value, false, key->name};
}

void add_forwarded_headers(http::HeaderList& out, const http::HeaderList& caller_headers,
                           const providers::Provider& provider) {
  constexpr std::string_view kPrefix = "x-bf-eh-";
  // Headers a caller must never be able to set upstream (Bifrost's security deny-list).
  static constexpr std::array<std::string_view, 12> kDenied{
      "host",    "content-length",      "connection",   "transfer-encoding",
      "cookie",  "proxy-authorization", "x-api-key",    "authorization",
      "x-bf-vk", "x-goog-api-key",      "x-bf-api-key", "keep-alive"};
  for (const auto& [name, value] : caller_headers.fields()) {
    if (!name.starts_with(kPrefix)) continue;
    std::string_view target = std::string_view(name).substr(kPrefix.size());
    if (target.empty() || std::find(kDenied.begin(), kDenied.end(), target) != kDenied.end()) {
      continue;
    }
    out.set(target, value);
  }
  for (const auto& [name, value] : provider.config().network.extra_headers) {
    out.set(name, value);
  }
}

bool is_relayed_response_header(std::string_view name) {
  return name == "request-id" || name == "x-request-id" || name == "retry-after" ||
         name == "retry-after-ms" || name == "x-should-retry" ||
         name.starts_with("anthropic-ratelimit-") || name.starts_with("x-ratelimit-") ||
         name == "openai-processing-ms";
}

namespace {

bool is_retryable_status(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504 ||
         status == 529;
}

asio::awaitable<void> backoff(const config::NetworkConfig& net, uint32_t attempt) {
  double delay = net.retry_backoff_initial_ms;
  for (uint32_t i = 0; i < attempt && delay < net.retry_backoff_max_ms; ++i) delay *= 2;
  delay = std::min<double>(delay, net.retry_backoff_max_ms);
  delay *= std::uniform_real_distribution<double>(0.8, 1.2)(thread_rng());
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(std::chrono::milliseconds(static_cast<int64_t>(delay)));
  co_await timer.async_wait(asio::use_awaitable);
}

}  // namespace

asio::awaitable<schema::Result<std::unique_ptr<http::ClientResponse>>> send_upstream(
    const Runtime& runtime, UpstreamRequest request, const http::HeaderList& caller_headers) {
  const auto& provider = *request.provider;
  const auto& net = provider.config().network;
  add_forwarded_headers(request.headers, caller_headers, provider);
  for (uint32_t attempt = 0;; ++attempt) {
    const bool last = attempt >= net.max_retries;
    HEIMDALL_CO_TRY(auto credential,
                    pick_credential(runtime, provider, request.model, caller_headers));
    http::ClientRequest out;
    out.method = request.method;
    // The last attempt takes the request's own URL, headers and body: with retries off, nothing
    // is copied.
    out.url = last ? std::move(request.url) : request.url;
    out.headers = last ? std::move(request.headers) : request.headers;
    out.body = last ? std::move(request.body) : request.body;
    provider.authorize(out.headers, credential);
    out.timeouts.connect = std::chrono::seconds(net.connect_timeout_in_seconds);
    out.timeouts.first_byte = std::chrono::seconds(net.default_request_timeout_in_seconds);
    out.timeouts.idle =
        std::chrono::seconds(request.stream ? net.stream_idle_timeout_in_seconds
                                            : net.default_request_timeout_in_seconds);
    auto response = co_await http::worker_client().send(std::move(out));
    if (last) co_return response;
    if (response ? !is_retryable_status((*response)->status())
                 : !schema::is_retryable(response.error())) {
      co_return response;
    }
    co_await backoff(net, attempt);
  }
}

}  // namespace heimdall::engine
