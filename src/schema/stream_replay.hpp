// A complete response as the canonical event sequence (schema/stream.hpp invariants), for answering
// a streaming caller when the provider sent one JSON body.
#pragma once

#include "schema/response.hpp"
#include "schema/stream.hpp"

#include <vector>

namespace heimdall::schema {

std::vector<StreamEvent> replay_as_stream(const CanonicalResponse& response);

}  // namespace heimdall::schema
