// Gateway::count_tokens: Anthropic's own counter for Anthropic-format providers, a documented local
// estimate (token_estimate.hpp) for the others.
#include "dialects/codec.hpp"
#include "engine/body_route.hpp"
#include "engine/exchange.hpp"
#include "engine/gateway.hpp"
#include "engine/ids.hpp"
#include "engine/token_estimate.hpp"
#include "engine/upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace heimdall::engine {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// count_tokens takes the messages request minus its generation settings; Claude Code-style callers
// send them anyway and the upstream rejects extra inputs (anthropic.md §1.4, checklist 100).
schema::Result<std::string> count_tokens_body(std::string_view body, std::string_view model) {
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec || !root.is_object()) return schema::Error::invalid("invalid JSON body");
  auto& request = root.get_object();
  for (std::string_view field : {"max_tokens", "stream", "stop_sequences", "temperature", "top_p",
                                 "top_k", "metadata", "service_tier"}) {
    request.erase(field);
  }
  request["model"] = model;
  return json::serialize(root);
}

asio::awaitable<void> count_upstream(Exchange& exchange, const SurfaceCall& call,
                                     const Route& route) {
  auto body = count_tokens_body(exchange.request.body, route.model);
  if (!body) co_return co_await send_error(exchange, body.error());
  auto response = co_await send_or_answer(
      exchange, same_dialect_request(exchange, route, providers::Operation::CountTokens,
                                     call.upstream_query, std::move(*body)));
  if (!response) co_return;
  auto answer = co_await response->read_all(1 << 20);
  if (!answer) co_return co_await send_error(exchange, answer.error());
  exchange.status = response->status();
  auto headers = reply_headers(exchange, "application/json");
  relay_response_headers(*response, headers, true);
  co_await exchange.writer.send(response->status(), std::move(headers), std::move(*answer));
}

}  // namespace

asio::awaitable<void> Gateway::count_tokens(http::Request& request, http::ResponseWriter& writer,
                                            SurfaceCall call) const {
  Exchange exchange(request, writer, *runtime_, call.dialect);
  auto routed = route_peeked(*runtime_, request.body, call.default_provider);
  if (!routed) co_return co_await send_error(exchange, routed.error());
  record_route(exchange, routed->route);
  if (routed->route.provider->url(providers::Operation::CountTokens, {})) {
    co_return co_await count_upstream(exchange, call, routed->route);
  }
  auto tokens = estimate_input_tokens(request.body);
  if (!tokens) co_return co_await send_error(exchange, tokens.error());
  exchange.status = 200;
  exchange.usage.input_tokens = *tokens;
  co_await writer.send(200, reply_headers(exchange, "application/json"),
                       "{\"input_tokens\":" + std::to_string(*tokens) + "}");
}

}  // namespace heimdall::engine
