#include "engine/exchange.hpp"

#include "dialects/codec.hpp"
#include "engine/ids.hpp"
#include "engine/upstream.hpp"

#include <spdlog/spdlog.h>

namespace heimdall::engine {

namespace asio = boost::asio;

Exchange::Exchange(http::Request& request, http::ResponseWriter& writer, const Runtime& runtime,
                   schema::Dialect caller)
    : request(request),
      writer(writer),
      runtime(runtime),
      caller(caller),
      request_id(make_request_id()) {}

http::HeaderList reply_headers(const Exchange& exchange, std::string_view content_type) {
  http::HeaderList headers;
  headers.add("content-type", content_type);
  headers.add("request-id", exchange.request_id);
  if (exchange.caller == schema::Dialect::OpenAiChat) {
    headers.add("x-request-id", exchange.request_id);
  }
  return headers;
}

asio::awaitable<void> send_error(Exchange& exchange, const schema::Error& error) {
  const auto& codec = dialects::codec_for(exchange.caller);
  exchange.status = schema::http_status(error);
  if (exchange.writer.started()) {
    // After the first byte the status is committed: the dialect's in-stream error frame is the
    // only way left to tell the caller (anthropic.md §5.3).
    if (co_await exchange.writer.write(codec.encode_stream_error(error))) {
      co_await exchange.writer.finish();
    }
    co_return;
  }
  auto headers = reply_headers(exchange, "application/json");
  if (error.retry_after) headers.set("retry-after", *error.retry_after);
  if (!schema::is_retryable(error)) headers.set("x-should-retry", "false");
  co_await exchange.writer.send(exchange.status, std::move(headers),
                                codec.encode_error(error, exchange.request_id));
}

void relay_response_headers(const http::ClientResponse& response, http::HeaderList& out,
                            bool keep_upstream_ids) {
  for (const auto& [name, value] : response.headers().fields()) {
    if (!is_relayed_response_header(name)) continue;
    if (name == "request-id" || name == "x-request-id") {
      if (!keep_upstream_ids) continue;
    }
    out.set(name, value);
  }
}

asio::awaitable<void> send_upstream_error(Exchange& exchange, schema::Dialect provider_dialect,
                                          http::ClientResponse& response) {
  constexpr size_t kMaxErrorBody = 1 << 20;
  auto body = co_await response.read_all(kMaxErrorBody);
  schema::Error error = dialects::codec_for(provider_dialect)
                            .decode_error(response.status(), body ? std::string_view(*body) : "");
  error.upstream_status = response.status();
  error.provider = exchange.provider;
  if (auto retry_after = response.headers().get("retry-after")) {
    error.retry_after = std::string(*retry_after);
  }
  const auto& codec = dialects::codec_for(exchange.caller);
  exchange.status = schema::http_status(error);
  auto headers = reply_headers(exchange, "application/json");
  relay_response_headers(response, headers, false);
  co_await exchange.writer.send(exchange.status, std::move(headers),
                                codec.encode_error(error, exchange.request_id));
}

UpstreamRequest same_dialect_request(const Exchange& exchange, const Route& route,
                                     providers::Operation operation, std::string_view query,
                                     std::string body) {
  const auto& provider = *route.provider;
  UpstreamRequest upstream;
  upstream.provider = &provider;
  upstream.model = route.model;
  upstream.url = *provider.url(operation, query);
  upstream.body = std::move(body);
  upstream.headers.add("content-type", "application/json");
  for (const auto& [name, value] : exchange.request.headers.fields()) {
    if (provider.forwards_caller_header(name)) upstream.headers.add(name, value);
  }
  return upstream;
}

asio::awaitable<std::unique_ptr<http::ClientResponse>> send_or_answer(Exchange& exchange,
                                                                      UpstreamRequest upstream) {
  schema::Dialect provider_dialect = upstream.provider->dialect();
  auto sent =
      co_await send_upstream(exchange.runtime, std::move(upstream), exchange.request.headers);
  if (!sent) {
    co_await send_error(exchange, sent.error());
    co_return nullptr;
  }
  if ((*sent)->status() >= 400) {
    co_await send_upstream_error(exchange, provider_dialect, **sent);
    co_return nullptr;
  }
  co_return std::move(*sent);
}

void record_route(Exchange& exchange, const Route& route) {
  exchange.provider = route.provider->name();
  exchange.model = route.model;
}

Exchange::~Exchange() {
  // Every request ends here: with debug off, not even the arguments are made.
  if (!spdlog::should_log(spdlog::level::debug)) return;
  const Exchange& exchange = *this;
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - exchange.started);
  spdlog::debug(
      "{} {} {} -> {}/{} status={} latency_ms={:.2f} input_tokens={} output_tokens={} "
      "cache_read_tokens={}",
      exchange.request_id, exchange.request.method, exchange.request.path(),
      exchange.provider.empty() ? "-" : std::string_view(exchange.provider),
      exchange.model.empty() ? "-" : std::string_view(exchange.model), exchange.status,
      static_cast<double>(elapsed.count()) / 1000.0, exchange.usage.input_tokens,
      exchange.usage.output_tokens, exchange.usage.cache_read_input_tokens);
}

}  // namespace heimdall::engine
