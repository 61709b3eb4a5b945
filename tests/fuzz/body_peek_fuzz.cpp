// Fuzz target: the fast path's body peek and model splice on arbitrary bodies, checked against
// simdjson's full parser: on every valid JSON document the peek must read what simdjson reads.
#include "engine/body_peek.hpp"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

struct Expected {
  bool ok = true;
  std::optional<std::string> model;
  bool stream = false;
};

// What the peek must report for a document simdjson accepts (duplicate keys: the last one wins,
// a non-string model is refused where it appears).
Expected expected_from(simdjson::dom::element root) {
  Expected expected;
  const Expected refused{.ok = false, .model = std::nullopt, .stream = false};
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return refused;
  for (auto field : object) {
    if (field.key == "model") {
      std::string_view model;
      if (field.value.get_string().get(model) != simdjson::SUCCESS) return refused;
      expected.model = std::string(model);
    } else if (field.key == "stream") {
      bool stream = false;
      if (field.value.get_bool().get(stream) == simdjson::SUCCESS) expected.stream = stream;
    }
  }
  return expected;
}

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  auto peek = heimdall::engine::peek_body(body);
  if (peek && peek->has_model) {
    std::string spliced = heimdall::engine::splice_model(body, *peek, "fuzz-model");
    auto again = heimdall::engine::peek_body(spliced);
    check(again && again->model == "fuzz-model" && again->stream == peek->stream);
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) return 0;
  const Expected expected = expected_from(root);
  check(peek.has_value() == expected.ok);
  if (!expected.ok) return 0;
  check(peek->has_model == expected.model.has_value());
  check(!expected.model || peek->model == *expected.model);
  check(peek->stream == expected.stream);
  return 0;
}
