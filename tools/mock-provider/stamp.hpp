// tools/mock-provider/stamp.hpp
// Stream stamps ([[stamp]], x-mock-stamp: 1): the reply text is a row of fixed-width placeholders,
// and the mock writes the current time into each one as it writes the event that carries it. A load
// generator on the same machine reads the stamp back and times the event's trip from the mock's
// write to its own read, through whatever relays it. Gaps between events measured at the client
// carry the mock's timer jitter (milliseconds on a busy machine); this trip time does not.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace heimdall::mock {

inline constexpr std::string_view kStampMark = "@@TS";
inline constexpr size_t kStampDigits = 16;

/// Microseconds of the machine's monotonic clock (std::chrono::steady_clock), shared by processes.
int64_t stamp_now_us();

/// `n` placeholders, each kStampMark followed by kStampDigits zeros: split into n even deltas,
/// every delta holds exactly one.
std::string stamp_placeholders(size_t n);

/// Writes stamp_now_us() into every placeholder of `frame` (zero-padded, same width).
void fill_stamps(std::string& frame);

/// The first stamp in `text`, if any.
std::optional<int64_t> read_stamp(std::string_view text);

}  // namespace heimdall::mock
