// Fuzz target: the fast path's simdjson peek and model splice on arbitrary bodies.
#include "engine/body_peek.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  auto peek = heimdall::engine::peek_body(body);
  if (peek && peek->has_model) (void)heimdall::engine::splice_model(body, *peek, "fuzz-model");
  return 0;
}
