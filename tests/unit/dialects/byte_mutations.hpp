// The byte-level damage the reader and decoder tests apply to valid texts: a text is mutated, then
// read both by the code under test and by a reference, which must agree on it.
#pragma once

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

namespace heimdall::test {

/// One to three edits of `text`, each replacing a byte, inserting one (taken from `alphabet`) or
/// dropping 1 to `max_drop` bytes. A `kept` byte (e.g. the line breaks that separate SSE frames)
/// is never replaced or dropped; the text is never left empty.
inline void mutate_bytes(std::string& text, std::mt19937& random, std::string_view alphabet,
                         size_t max_drop = 1, char kept = '\0') {
  for (int edits = 1 + static_cast<int>(random() % 3); edits > 0; --edits) {
    const size_t at = random() % text.size();
    const char byte = alphabet[random() % alphabet.size()];
    const bool keep = kept != '\0' && text[at] == kept;
    switch (random() % 3) {
      case 0:
        if (!keep) text[at] = byte;
        break;
      case 1:
        text.insert(at, 1, byte);
        break;
      default:
        if (!keep) text.erase(at, 1 + random() % max_drop);
        break;
    }
    if (text.empty()) text = alphabet.substr(0, 1);
  }
}

}  // namespace heimdall::test
