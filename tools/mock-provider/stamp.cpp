#include "stamp.hpp"

#include <charconv>

namespace heimdall::mock {

int64_t stamp_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string stamp_placeholders(size_t n) {
  std::string out;
  out.reserve(n * (kStampMark.size() + kStampDigits));
  for (size_t i = 0; i < n; ++i) {
    out.append(kStampMark);
    out.append(kStampDigits, '0');
  }
  return out;
}

void fill_stamps(std::string& frame) {
  char digits[kStampDigits];
  bool formatted = false;
  for (size_t at = frame.find(kStampMark); at != std::string::npos;
       at = frame.find(kStampMark, at + kStampMark.size())) {
    if (frame.size() - at - kStampMark.size() < kStampDigits) return;
    if (!formatted) {
      int64_t now = stamp_now_us();
      for (size_t i = kStampDigits; i-- > 0; now /= 10)
        digits[i] = static_cast<char>('0' + now % 10);
      formatted = true;
    }
    frame.replace(at + kStampMark.size(), kStampDigits, digits, kStampDigits);
  }
}

std::optional<int64_t> read_stamp(std::string_view text) {
  const size_t at = text.find(kStampMark);
  if (at == std::string_view::npos || text.size() - at - kStampMark.size() < kStampDigits) {
    return std::nullopt;
  }
  const char* first = text.data() + at + kStampMark.size();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(first, first + kStampDigits, value);
  if (ec != std::errc() || end != first + kStampDigits) return std::nullopt;
  return value;
}

}  // namespace heimdall::mock
