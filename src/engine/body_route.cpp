#include "engine/body_route.hpp"

#include "dialects/codec.hpp"

#include <cstring>

namespace heimdall::engine {

namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// `at` moved past JSON white space, then past `token` if it follows; false when it does not.
bool skip_past(const char*& at, const char* end, std::string_view token) {
  while (at != end && is_json_space(*at)) ++at;
  if (static_cast<size_t>(end - at) < token.size() ||
      std::memcmp(at, token.data(), token.size()) != 0) {
    return false;
  }
  at += token.size();
  return true;
}

// Routes by the full peek. `known` is the route of the model whose token starts at byte
// `known_at` of the body, if any: when that token is the model the peek read, it is reused.
schema::Result<RoutedBody> route_peek(const Runtime& runtime, std::string& body,
                                      std::string_view default_provider, Route* known = nullptr,
                                      size_t known_at = 0) {
  auto peek = peek_body(body);
  if (!peek) return peek.error();
  if (!peek->has_model) return schema::Error::invalid("model: Field required");
  if (known && peek->model_begin == known_at) {
    return RoutedBody{std::move(*known), std::move(*peek), std::nullopt};
  }
  auto route = runtime.resolve(peek->model, default_provider);
  if (!route) return route.error();
  return RoutedBody{std::move(*route), std::move(*peek), std::nullopt};
}

}  // namespace

std::optional<std::string_view> leading_model(std::string_view body) {
  const char* at = body.data();
  const char* end = at + body.size();
  if (!skip_past(at, end, "{") || !skip_past(at, end, "\"model\"") || !skip_past(at, end, ":") ||
      !skip_past(at, end, "\"")) {
    return std::nullopt;
  }
  const std::string_view rest(at, static_cast<size_t>(end - at));
  const size_t quote = rest.find('"');
  // A backslash before the first quote: an escape, which this reading does not decode.
  if (quote == std::string_view::npos ||
      rest.substr(0, quote).find('\\') != std::string_view::npos) {
    return std::nullopt;
  }
  return rest.substr(0, quote);
}

schema::Result<RoutedBody> route_peeked(const Runtime& runtime, std::string& body,
                                        std::string_view default_provider) {
  return route_peek(runtime, body, default_provider);
}

schema::Result<RoutedBody> route_generate(const Runtime& runtime, schema::Dialect caller,
                                          std::string& body, std::string_view default_provider) {
  const auto& codec = dialects::codec_for(caller);
  std::optional<Route> lead_route;
  size_t lead_at = 0;
  if (auto lead = leading_model(body)) {
    auto route = runtime.resolve(*lead, default_provider);
    if (route && route->provider->dialect() != caller) {
      // The codec validates the whole body and reads `model` as the peek does, so when it reads
      // the leading model the route stands. Anything else (invalid JSON, a later `model`) takes
      // the general way below, which answers exactly as before.
      auto decoded = codec.decode_request(body);
      if (decoded && decoded->model == *lead) {
        return RoutedBody{std::move(*route), BodyPeek{}, std::move(*decoded)};
      }
    }
    if (route) {
      lead_route = std::move(*route);
      lead_at = static_cast<size_t>(lead->data() - body.data()) - 1;  // its opening quote
    }
  }
  auto routed =
      route_peek(runtime, body, default_provider, lead_route ? &*lead_route : nullptr, lead_at);
  if (!routed || routed->route.provider->dialect() == caller) return routed;
  auto decoded = codec.decode_request(body);
  if (!decoded) return decoded.error();
  routed->decoded = std::move(*decoded);
  return routed;
}

}  // namespace heimdall::engine
