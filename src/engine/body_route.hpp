// Routing a request body: the provider and model its `model` field names, read the way an upstream
// JSON parser reads it (keys unescaped; of duplicated keys the last wins). Called by the generate
// and count_tokens pipelines before anything goes upstream.
#pragma once

#include "engine/body_peek.hpp"
#include "engine/runtime.hpp"
#include "schema/error.hpp"
#include "schema/request.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace heimdall::engine {

struct RoutedBody {
  Route route;
  // Filled by the full peek (always for a route in the caller's dialect: the fast path splices the
  // model and needs `stream`); empty when the translated route was found from `decoded`.
  BodyPeek peek;
  // route_generate only: the caller's request decoded by its codec, when the route translates.
  std::optional<schema::CanonicalRequest> decoded;
};

/// Peeks at the whole body (an invalid one is InvalidArgument) and routes its model.
schema::Result<RoutedBody> route_peeked(const Runtime& runtime, std::string& body,
                                        std::string_view default_provider);

/// As route_peeked, with the same result and errors, and a route to another dialect than
/// `caller`'s comes with the body decoded by the caller's codec. When the body starts with its
/// model and that model translates, the body is parsed once (by the codec) instead of twice.
schema::Result<RoutedBody> route_generate(const Runtime& runtime, schema::Dialect caller,
                                          std::string& body, std::string_view default_provider);

/// The model of a body that starts `{"model":"…"` (JSON white space allowed) with no escape in
/// the name; nullopt otherwise. Nothing after it is read and nothing is validated (a control
/// character in the name makes the body invalid JSON, which the full parse finds), so it is only
/// a guess until the whole body has been parsed.
std::optional<std::string_view> leading_model(std::string_view body);

}  // namespace heimdall::engine
