// tools/mock-provider/tests/test_util.hpp
// Helpers shared by the mock's unit tests: build a MockRequest, split SSE frames into event + JSON.
#pragma once

#include "mock_response.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace heimdall::mock::test {

struct OwnedRequest {
  std::string method;
  std::string target;
  HeaderFields headers;
  std::string body;

  MockRequest view() const { return MockRequest{method, target, headers, body}; }
};

struct SseEvent {
  std::string event;  // empty when the frame has no event: line
  std::string data;
  boost::json::value json;  // null for non-JSON data ([DONE])
};

/// Parses one frame "event: X\ndata: Y\n\n" or "data: Y\n\n".
inline SseEvent parse_frame(std::string_view frame) {
  SseEvent ev;
  size_t pos = 0;
  while (pos < frame.size()) {
    size_t nl = frame.find('\n', pos);
    if (nl == std::string_view::npos) {
      nl = frame.size();
    }
    const std::string_view line = frame.substr(pos, nl - pos);
    if (line.starts_with("event: ")) {
      ev.event = std::string(line.substr(7));
    } else if (line.starts_with("data: ")) {
      ev.data = std::string(line.substr(6));
    }
    pos = nl + 1;
  }
  boost::json::error_code ec;
  ev.json = boost::json::parse(ev.data, ec);
  if (ec) {
    ev.json = nullptr;
  }
  return ev;
}

inline std::vector<SseEvent> parse_frames(const std::vector<std::string>& frames) {
  std::vector<SseEvent> out;
  for (const auto& f : frames) {
    out.push_back(parse_frame(f));
  }
  return out;
}

inline boost::json::value parse_json(std::string_view s) {
  boost::json::error_code ec;
  auto v = boost::json::parse(s, ec);
  return ec ? boost::json::value(nullptr) : v;
}

}  // namespace heimdall::mock::test
