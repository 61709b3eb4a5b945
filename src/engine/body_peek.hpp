// The fast path's read-only look at a request body: `model` (with its byte range, so it can be
// replaced by splicing instead of re-serialising) and `stream`, read by a JsonObjectReader, which
// also validates the whole body.
#pragma once

#include "schema/error.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace heimdall::engine {

struct BodyPeek {
  std::string model;
  bool has_model = false;
  // Byte range of the model's JSON string token, quotes included.
  size_t model_begin = 0;
  size_t model_end = 0;
  bool stream = false;
};

/// Reads the top-level fields (when a key repeats, the last one counts). InvalidArgument when the
/// body is not a valid JSON object, or its model not a string.
schema::Result<BodyPeek> peek_body(std::string_view body);

/// `body` with the model token replaced by `model` as a JSON string.
std::string splice_model(std::string_view body, const BodyPeek& peek, std::string_view model);

/// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace heimdall::engine
