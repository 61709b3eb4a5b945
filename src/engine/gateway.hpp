// The request pipeline, the one place that knows its order: route the model, pick a key, send to
// the provider (same dialect: the fast path that splices the model and relays bytes; otherwise
// decode → canonical → encode both ways, streams included), answer errors in the caller's dialect.
// Surfaces call it; it lives as long as the server and is used from every worker.
#pragma once

#include "engine/runtime.hpp"
#include "http/server.hpp"
#include "schema/error.hpp"
#include "schema/request.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall::engine {

// What a surface decided about a request before handing it over.
struct SurfaceCall {
  schema::Dialect dialect = schema::Dialect::Anthropic;  // the caller's wire format
  std::string_view default_provider;                     // for bare model names
  std::string_view upstream_query;  // query string to pass to a same-dialect provider ("beta=true")
};

// The request and writer are borrowed until the returned awaitable completes; the other arguments
// are taken by value, so a caller may hand the awaitable on without awaiting it (the router does).
class Gateway {
 public:
  explicit Gateway(std::shared_ptr<const Runtime> runtime);

  /// POST …/messages, …/chat/completions: JSON or SSE.
  boost::asio::awaitable<void> generate(http::Request& request, http::ResponseWriter& writer,
                                        SurfaceCall call) const;
  /// POST /anthropic/v1/messages/count_tokens: the provider's counter where it has one, else a
  /// local estimate (see count_tokens.cpp for the formula); never a fake zero.
  boost::asio::awaitable<void> count_tokens(http::Request& request, http::ResponseWriter& writer,
                                            SurfaceCall call) const;
  /// GET …/models and …/models/{id}: every configured provider's models in the caller's shape;
  /// models of other providers are listed as "provider/model".
  boost::asio::awaitable<void> list_models(http::Request& request, http::ResponseWriter& writer,
                                           SurfaceCall call,
                                           std::optional<std::string> model_id) const;
  /// An error answered by the gateway itself (unknown route, rejected body, …).
  boost::asio::awaitable<void> reply_error(http::ResponseWriter& writer, schema::Dialect dialect,
                                           schema::Error error) const;

  const Runtime& runtime() const { return *runtime_; }

 private:
  std::shared_ptr<const Runtime> runtime_;
};

}  // namespace heimdall::engine
