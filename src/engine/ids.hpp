// Identifiers Heimdall mints: request ids (the `request-id` header on every response) and message
// ids for translated responses (Anthropic clients expect `msg_…`, unique per response).
#pragma once

#include <string>
#include <string_view>

namespace heimdall::engine {

/// "req_" + 24 random hex digits.
std::string make_request_id();
/// "<prefix>" + 24 random base-62 characters, e.g. make_message_id("msg_").
std::string make_message_id(std::string_view prefix);

}  // namespace heimdall::engine
