// tools/mock-provider/triggers.hpp
// The failure and behaviour switches a test puts in its prompt (`[[status:429]]`) or in a request
// header
// (`x-mock-status: 429`), as listed in README.md. Parsed once per request by the dialect mocks.
#pragma once

#include "mock_response.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall::mock {

enum class ToolTrigger {
  None,
  First,  // [[tool]]
  Named,  // [[tool:NAME]]
  Bash,   // [[bash:COMMAND]]
};

struct Triggers {
  std::optional<int> status;
  std::optional<int> retry_after_s;
  std::chrono::milliseconds delay{0};
  std::optional<std::chrono::milliseconds> event_delay;  // set (even to 0): one chunk per event
  bool reset_before = false;
  bool reset_mid_stream = false;
  bool error_mid_stream = false;
  std::optional<size_t> deltas;
  // [[stamp]]: the reply text is stamp placeholders, each filled with the time it is written
  // (stamp.hpp), so a load generator can time every event's trip through a relay.
  bool stamp = false;
  uint64_t cached = 0;
  uint64_t cache_write = 0;
  ToolTrigger tool = ToolTrigger::None;
  std::string tool_arg;  // the NAME or the COMMAND

  /// Reads every `[[…]]` marker in `prompt`; unknown markers and bad numbers are ignored.
  void add_prompt(std::string_view prompt);
  /// Reads the x-mock-* headers; they win over prompt markers.
  void add_headers(const HeaderFields& headers);
};

}  // namespace heimdall::mock
