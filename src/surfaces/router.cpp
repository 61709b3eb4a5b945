#include "surfaces/router.hpp"

#include "engine/ids.hpp"
#include "schema/error.hpp"

#include <optional>
#include <string>

namespace heimdall::surfaces {

namespace asio = boost::asio;
using schema::Dialect;

namespace {

struct Surface {
  Dialect dialect;
  std::string_view default_provider;
  std::string_view rest;  // the path below the surface's prefix, without "/v1"
};

std::string_view strip_trailing_slash(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

// "/anthropic/v1/messages" → {Anthropic, "/messages"}. Base URLs set with or without "/v1" (and the
// occasional doubled "/v1") all land on the same route.
std::optional<Surface> find_surface(std::string_view path) {
  path = strip_trailing_slash(path);
  Surface surface{Dialect::OpenAiChat, "openai", path};
  if (path == "/anthropic" || path.starts_with("/anthropic/")) {
    surface = {Dialect::Anthropic, "anthropic", path.substr(10)};
  } else if (path == "/openai" || path.starts_with("/openai/")) {
    surface.rest = path.substr(7);
  } else if (!path.starts_with("/v1/")) {
    return std::nullopt;
  }
  while (surface.rest.starts_with("/v1/") || surface.rest == "/v1") {
    surface.rest.remove_prefix(3);
  }
  return surface;
}

// Every response carries a request id, the gateway's own answers included.
http::HeaderList own_headers(std::string_view content_type) {
  http::HeaderList headers;
  if (!content_type.empty()) headers.add("content-type", content_type);
  headers.add("request-id", engine::make_request_id());
  return headers;
}

}  // namespace

Router::Router(std::shared_ptr<const engine::Gateway> gateway) : gateway_(std::move(gateway)) {}

// Not a coroutine: it picks the awaitable that answers and returns it unawaited, which spares
// every request a coroutine frame. Nothing passed on may refer to this function's locals.
asio::awaitable<void> Router::handle(http::Request& request, http::ResponseWriter& writer) const {
  std::string_view path = request.path();
  auto surface = find_surface(path);
  Dialect dialect = surface ? surface->dialect : Dialect::OpenAiChat;
  if (request.rejection) {
    auto code = schema::code_from_status(request.rejection->status);
    return gateway_->reply_error(writer, dialect,
                                 schema::Error::make(code, request.rejection->message));
  }
  const std::string_view method = request.method;
  if (strip_trailing_slash(path) == "/health" && method == "GET") {
    return writer.send(200, own_headers("application/json"), R"({"status":"ok"})");
  }
  if (surface) {
    engine::SurfaceCall call{surface->dialect, surface->default_provider, {}};
    std::string_view rest = surface->rest;
    const bool post = method == "POST";
    const bool get = method == "GET";
    if (surface->dialect == Dialect::Anthropic) {
      // Claude Code sends ?beta=true; it means something to Anthropic only (anthropic.md §1.1).
      call.upstream_query = request.query();
      if (post && rest == "/messages") return gateway_->generate(request, writer, call);
      if (post && rest == "/messages/count_tokens") {
        return gateway_->count_tokens(request, writer, call);
      }
    } else if (post && rest == "/chat/completions") {
      return gateway_->generate(request, writer, call);
    }
    if (get && rest == "/models") {
      return gateway_->list_models(request, writer, call, std::nullopt);
    }
    if (get && rest.starts_with("/models/") && rest.size() > 8) {
      return gateway_->list_models(request, writer, call, std::string(rest.substr(8)));
    }
    // Claude Code probes its base URL with HEAD before the first request; any status will do,
    // a 200 keeps its logs quiet.
    if (method == "HEAD" && rest.empty()) {
      return writer.send(200, own_headers(""), "");
    }
  }
  return gateway_->reply_error(
      writer, dialect,
      schema::Error::not_found("no route for " + request.method + " " + std::string(path)));
}

}  // namespace heimdall::surfaces
