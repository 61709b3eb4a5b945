// The fast path's read-only look at a request body: `model` (with its byte range, so it can be
// replaced by splicing instead of re-serialising) and `stream`, read with simdjson On-Demand.
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

/// Reads the top-level fields. May grow `body`'s capacity (simdjson needs readable padding after
/// the last byte); never changes its contents. InvalidArgument when the body is not a JSON object.
schema::Result<BodyPeek> peek_body(std::string& body);

/// The capacity this thread's peek parser keeps for the next body (ParserLoan).
size_t peek_parser_capacity_for_test();

/// `body` with the model token replaced by `model` as a JSON string.
std::string splice_model(std::string_view body, const BodyPeek& peek, std::string_view model);

/// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace heimdall::engine
