#include "engine/ids.hpp"

#include "engine/key_selector.hpp"

namespace heimdall::engine {

namespace {

// Every request mints an id: the characters are written into the string made at its final size,
// without push_back's capacity check per character.
std::string random_chars(std::string_view prefix, std::string_view alphabet, size_t count) {
  std::string out(prefix.size() + count, '\0');
  prefix.copy(out.data(), prefix.size());
  char* next = out.data() + prefix.size();
  auto& rng = thread_rng();
  uint64_t bits = 0;
  size_t left = 0;  // 64 random bits give ten 6-bit picks
  for (size_t i = 0; i < count; ++i) {
    if (left == 0) {
      bits = rng();
      left = 10;
    }
    next[i] = alphabet[(bits & 63) % alphabet.size()];
    bits >>= 6;
    --left;
  }
  return out;
}

}  // namespace

std::string make_request_id() { return random_chars("req_", "0123456789abcdef", 24); }

std::string make_message_id(std::string_view prefix) {
  return random_chars(prefix, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 24);
}

}  // namespace heimdall::engine
