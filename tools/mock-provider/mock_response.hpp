// tools/mock-provider/mock_response.hpp
// The plain data the mock's pure logic works on: a request seen as method/target/headers/body, and
// the answer it decides on (a JSON reply, an SSE stream as a list of frames, or a simulated
// failure). Built by the dialect mocks (anthropic_mock, openai_mock) and played onto the wire by
// mock_handler.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heimdall::mock {

// Same layout as http::HeaderList::fields() (names lower-case), so the pure logic needs no network
// code.
using HeaderFields = std::vector<std::pair<std::string, std::string>>;

/// The first value of a header (case-insensitive name), if any.
std::optional<std::string_view> find_header(const HeaderFields& headers, std::string_view name);

struct MockRequest {
  std::string_view method;
  std::string_view target;  // path and query as received
  const HeaderFields& headers;
  std::string_view body;

  std::string_view path() const;   // target without the query string
  std::string_view query() const;  // after '?', empty when none
  std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

struct MockResponse {
  int status = 200;
  HeaderFields headers;
  // The complete body when `stream` is false.
  std::string body;
  // A chunked SSE body: one complete frame ("event: …\ndata: …\n\n" or "data: …\n\n") per entry.
  bool stream = false;
  std::vector<std::string> frames;
  // Wait this long before answering anything (also before a reset).
  std::chrono::milliseconds delay{0};
  // Set: each frame is its own chunk, this long after the previous one. Unset: all frames go out as
  // one chunk (cheapest; SSE readers must not depend on chunk boundaries).
  std::optional<std::chrono::milliseconds> event_delay;
  // Fill stream stamps (stamp.hpp) as each paced frame is written.
  bool stamp = false;
  // Drop the connection without answering.
  bool reset_before = false;
  // Drop the connection after writing this many frames (a stream cut mid-way).
  std::optional<size_t> reset_after_frames;
};

}  // namespace heimdall::mock
