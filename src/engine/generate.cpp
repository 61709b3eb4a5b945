// Gateway::generate: the same-dialect fast path and the translated path (ARCHITECTURE.md §1, §4).
#include "dialects/codec.hpp"
#include "engine/body_route.hpp"
#include "engine/exchange.hpp"
#include "engine/gateway.hpp"
#include "engine/ids.hpp"
#include "engine/keepalive.hpp"
#include "engine/upstream.hpp"
#include "engine/usage_observer.hpp"
#include "http/sse_parser.hpp"
#include "schema/stream_replay.hpp"

#include <boost/asio/this_coro.hpp>

#include <exception>
#include <optional>
#include <string_view>

namespace heimdall::engine {

namespace asio = boost::asio;

namespace {

constexpr size_t kMaxResponseBody = 256u << 20;

bool is_event_stream(std::optional<std::string_view> content_type) {
  return content_type && content_type->find("text/event-stream") != std::string_view::npos;
}

bool is_event_stream(const http::ClientResponse& response) {
  return is_event_stream(response.headers().get("content-type"));
}

http::HeaderList stream_headers(const Exchange& exchange) {
  auto headers = reply_headers(exchange, "text/event-stream; charset=utf-8");
  headers.add("cache-control", "no-cache");
  return headers;
}

// Whether a relayed piece ends on an SSE frame boundary: after "\n\n" the last line is blank
// whatever came before. Other endings (a "\r\n\r\n" frame end among them) count as inside a
// frame, which only makes the next ping wait for the next piece.
bool ends_frame(std::string_view piece) { return piece.ends_with("\n\n"); }

// Runs a stream relay with a KeepAlive beside it. The relay returns true when the stream is
// complete (an in-stream error frame counts), and the terminal chunk then goes out here, after
// the last ping.
template <class Relay>
asio::awaitable<void> with_keepalive(Exchange& exchange, http::ClientResponse& upstream,
                                     Relay relay) {
  KeepAlive keepalive(
      co_await asio::this_coro::executor, exchange.writer, upstream, exchange.caller,
      std::chrono::milliseconds(exchange.runtime.config().client.stream_ping_interval_ms));
  bool complete = false;
  std::exception_ptr failure;
  try {
    complete = co_await relay(keepalive);
  } catch (...) {
    // Rethrown below: the pinger must be stopped first, it may be writing to the caller.
    failure = std::current_exception();
  }
  co_await keepalive.stop();
  if (failure) std::rethrow_exception(failure);
  if (keepalive.client_gone()) {
    exchange.status = 499;  // a ping found the caller gone and the upstream was dropped
  } else if (complete) {
    co_await exchange.writer.finish();
  }
}

// The upstream broke mid-stream: the caller gets an in-stream error, never a hang. False when
// the caller is gone.
asio::awaitable<bool> write_stream_error(Exchange& exchange, KeepAlive& keepalive,
                                         const schema::Error& error) {
  keepalive.on_write(true);
  co_return co_await exchange.writer.write(
      dialects::codec_for(exchange.caller).encode_stream_error(error));
}

// Same dialect on both sides: the caller's bytes go upstream with only the model replaced, and the
// provider's bytes (SSE frames too) come back untouched; usage is read on the way.
asio::awaitable<void> fast_path(Exchange& exchange, const SurfaceCall& call, const Route& route,
                                const BodyPeek& peek) {
  const auto& provider = *route.provider;
  auto upstream = same_dialect_request(
      exchange, route, providers::Operation::Generate, call.upstream_query,
      route.model == peek.model ? std::move(exchange.request.body)
                                : splice_model(exchange.request.body, peek, route.model));
  upstream.stream = peek.stream;
  auto sent = co_await send_or_answer(exchange, std::move(upstream));
  if (!sent) co_return;
  auto& response = *sent;
  exchange.status = response.status();
  UsageObserver usage(provider.dialect());
  auto headers = reply_headers(exchange, "application/json");
  relay_response_headers(response, headers, true);
  const auto type = response.headers().get("content-type");
  if (!is_event_stream(type)) {
    auto body = co_await response.read_all(kMaxResponseBody);
    if (!body) co_return co_await send_error(exchange, body.error());
    usage.observe_body(*body);
    exchange.usage = usage.usage();
    if (type) headers.set("content-type", *type);
    co_await exchange.writer.send(response.status(), std::move(headers), std::move(*body));
    co_return;
  }
  headers.set("content-type", "text/event-stream; charset=utf-8");
  headers.set("cache-control", "no-cache");
  if (!co_await exchange.writer.start_stream(response.status(), std::move(headers))) co_return;
  co_await with_keepalive(exchange, response, [&](KeepAlive& keepalive) -> asio::awaitable<bool> {
    for (;;) {
      auto piece = co_await response.read_some();
      if (!piece) {
        exchange.usage = usage.usage();
        if (keepalive.client_gone()) co_return false;
        exchange.status = schema::http_status(piece.error());
        co_return co_await write_stream_error(exchange, keepalive, piece.error());
      }
      if (piece->empty()) break;
      usage.observe_stream(*piece);
      keepalive.on_write(ends_frame(*piece));
      if (!co_await exchange.writer.write(*piece)) {
        exchange.usage = usage.usage();
        co_return false;
      }
    }
    exchange.usage = usage.usage();
    co_return true;
  });
}

void clamp_max_tokens(schema::CanonicalRequest& request, const providers::Provider& provider) {
  auto cap = provider.max_output_tokens(request.model);
  if (cap && request.max_tokens && *request.max_tokens > *cap) {
    // Claude Code asks for 32000 by default; smaller models answer 400 (anthropic.md §6.1).
    request.max_tokens = cap;
  }
}

// Writes canonical events in the caller's dialect; ids and model are the gateway's, not the
// provider's, so a caller never sees which upstream answered and ids stay unique.
class EventRelay {
 public:
  EventRelay(const Exchange& exchange, const schema::CanonicalRequest& request,
             std::string requested_model)
      : encoder_(dialects::codec_for(exchange.caller)
                     .make_stream_encoder({requested_model, request.include_usage})),
        requested_model_(std::move(requested_model)) {}

  void encode(std::vector<schema::StreamEvent>& events, std::string& out, schema::Usage& usage) {
    for (auto& event : events) {
      if (event.type == schema::StreamEventType::MessageStart) {
        event.id = make_message_id("msg_");
        event.model = requested_model_;
      }
      if (event.type == schema::StreamEventType::MessageStart ||
          event.type == schema::StreamEventType::MessageDelta) {
        usage = event.usage;
      }
      encoder_->encode(event, out);
    }
  }

 private:
  std::unique_ptr<dialects::StreamEncoder> encoder_;
  std::string requested_model_;
};

asio::awaitable<void> relay_translated_stream(Exchange& exchange, http::ClientResponse& response,
                                              const dialects::Codec& provider_codec,
                                              const dialects::TranslationContext& context,
                                              const schema::CanonicalRequest& request) {
  if (!co_await exchange.writer.start_stream(200, stream_headers(exchange))) co_return;
  co_await with_keepalive(exchange, response, [&](KeepAlive& keepalive) -> asio::awaitable<bool> {
    http::SseParser parser;
    auto decoder = provider_codec.make_stream_decoder(context);
    EventRelay relay(exchange, request, context.requested_model);
    std::vector<schema::SseEvent> frames;
    std::vector<schema::StreamEvent> events;
    std::string out;
    bool upstream_done = false;
    while (!upstream_done) {
      frames.clear();
      events.clear();
      out.clear();
      auto piece = co_await response.read_some();
      if (!piece) {
        if (keepalive.client_gone()) co_return false;
        // The upstream broke mid-stream: the caller gets an in-stream error, never a hang.
        schema::StreamEvent error;
        error.type = schema::StreamEventType::Error;
        error.error = piece.error();
        events.push_back(std::move(error));
        upstream_done = true;
      } else if (piece->empty()) {
        parser.finish(frames);
        for (const auto& frame : frames) decoder->feed(frame, events);
        decoder->finish(events);
        upstream_done = true;
      } else {
        parser.feed(*piece, frames);
        for (const auto& frame : frames) decoder->feed(frame, events);
        upstream_done = decoder->done();
      }
      relay.encode(events, out, exchange.usage);
      // One write per upstream read: frames decoded together leave together.
      if (out.empty()) continue;
      keepalive.on_write(true);
      if (!co_await exchange.writer.write(out)) co_return false;
    }
    co_return true;
  });
}

// `request` is the caller's body decoded by its codec.
asio::awaitable<void> translated_path(Exchange& exchange, const Route& route,
                                      schema::CanonicalRequest request) {
  const auto& caller_codec = dialects::codec_for(exchange.caller);
  const auto& provider = *route.provider;
  const auto& provider_codec = dialects::codec_for(provider.dialect());
  dialects::TranslationContext context;
  context.requested_model = std::move(request.model);
  request.model = route.model;
  clamp_max_tokens(request, provider);

  UpstreamRequest upstream;
  upstream.provider = &provider;
  upstream.model = route.model;
  upstream.stream = request.stream;
  upstream.url = *provider.url(providers::Operation::Generate, {});
  upstream.body = provider_codec.encode_request(request, context);
  upstream.headers.add("content-type", "application/json");
  auto sent = co_await send_or_answer(exchange, std::move(upstream));
  if (!sent) co_return;
  auto& response = *sent;
  exchange.status = 200;
  if (request.stream && is_event_stream(response)) {
    co_return co_await relay_translated_stream(exchange, response, provider_codec, context,
                                               request);
  }
  auto body = co_await response.read_all(kMaxResponseBody);
  if (!body) co_return co_await send_error(exchange, body.error());
  auto canonical = provider_codec.decode_response(*body, context);
  if (!canonical) {
    auto error = canonical.error();
    error.code = schema::ErrorCode::BadGateway;
    error.message =
        "provider '" + provider.name() + "' returned an unreadable response: " + error.message;
    co_return co_await send_error(exchange, error);
  }
  canonical->id = make_message_id("msg_");
  canonical->model = context.requested_model;
  exchange.usage = canonical->usage;
  if (request.stream) {
    // The provider answered a stream request with one JSON body: replay it as a stream.
    if (!co_await exchange.writer.start_stream(200, stream_headers(exchange))) co_return;
    auto events = schema::replay_as_stream(*canonical);
    std::string out;
    EventRelay(exchange, request, context.requested_model).encode(events, out, exchange.usage);
    if (co_await exchange.writer.write(out)) co_await exchange.writer.finish();
    co_return;
  }
  co_await exchange.writer.send(200, reply_headers(exchange, "application/json"),
                                caller_codec.encode_response(*canonical));
}

}  // namespace

Gateway::Gateway(std::shared_ptr<const Runtime> runtime) : runtime_(std::move(runtime)) {}

asio::awaitable<void> Gateway::generate(http::Request& request, http::ResponseWriter& writer,
                                        SurfaceCall call) const {
  Exchange exchange(request, writer, *runtime_, call.dialect);
  auto routed = route_generate(*runtime_, call.dialect, request.body, call.default_provider);
  if (!routed) co_return co_await send_error(exchange, routed.error());
  record_route(exchange, routed->route);
  if (routed->decoded) {
    co_await translated_path(exchange, routed->route, std::move(*routed->decoded));
  } else {
    co_await fast_path(exchange, call, routed->route, routed->peek);
  }
}

asio::awaitable<void> Gateway::reply_error(http::ResponseWriter& writer, schema::Dialect dialect,
                                           schema::Error error) const {
  http::Request none;
  Exchange exchange(none, writer, *runtime_, dialect);
  co_await send_error(exchange, error);
}

}  // namespace heimdall::engine
