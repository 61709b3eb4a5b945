#include "triggers.hpp"

#include <algorithm>
#include <charconv>

namespace heimdall::mock {

namespace {

// Bounds keep a typo from hanging a test run for hours.
constexpr int64_t kMaxDelayMs = 10 * 60 * 1000;
constexpr uint64_t kMaxDeltas = 100'000;

template <class T>
std::optional<T> parse_number(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::chrono::milliseconds> parse_delay(std::string_view s) {
  auto ms = parse_number<int64_t>(s);
  if (!ms || *ms < 0) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(std::min(*ms, kMaxDelayMs));
}

void apply_status(Triggers& t, std::string_view arg) {
  if (auto n = parse_number<int>(arg); n && *n >= 100 && *n <= 599) {
    t.status = *n;
  }
}

void apply_retry_after(Triggers& t, std::string_view arg) {
  if (auto n = parse_number<int>(arg); n && *n >= 0) {
    t.retry_after_s = *n;
  }
}

void apply_marker(Triggers& t, std::string_view key, std::optional<std::string_view> arg) {
  if (!arg) {
    if (key == "reset") {
      t.reset_before = true;
    } else if (key == "reset-mid-stream") {
      t.reset_mid_stream = true;
    } else if (key == "error-mid-stream") {
      t.error_mid_stream = true;
    } else if (key == "stamp") {
      t.stamp = true;
    } else if (key == "tool") {
      t.tool = ToolTrigger::First;
      t.tool_arg.clear();
    }
    return;
  }
  if (key == "status") {
    apply_status(t, *arg);
  } else if (key == "retry-after") {
    apply_retry_after(t, *arg);
  } else if (key == "delay") {
    if (auto d = parse_delay(*arg)) {
      t.delay = *d;
    }
  } else if (key == "event-delay") {
    if (auto d = parse_delay(*arg)) {
      t.event_delay = *d;
    }
  } else if (key == "deltas") {
    if (auto n = parse_number<uint64_t>(*arg); n && *n >= 1) {
      t.deltas = static_cast<size_t>(std::min(*n, kMaxDeltas));
    }
  } else if (key == "cached") {
    if (auto n = parse_number<uint64_t>(*arg)) {
      t.cached = *n;
    }
  } else if (key == "cache_write") {
    if (auto n = parse_number<uint64_t>(*arg)) {
      t.cache_write = *n;
    }
  } else if (key == "tool") {
    t.tool = ToolTrigger::Named;
    t.tool_arg = std::string(*arg);
  } else if (key == "bash") {
    t.tool = ToolTrigger::Bash;
    t.tool_arg = std::string(*arg);
  }
}

}  // namespace

void Triggers::add_prompt(std::string_view prompt) {
  size_t pos = 0;
  while (true) {
    const size_t open = prompt.find("[[", pos);
    if (open == std::string_view::npos) {
      return;
    }
    const size_t close = prompt.find("]]", open + 2);
    if (close == std::string_view::npos) {
      return;
    }
    const std::string_view marker = prompt.substr(open + 2, close - open - 2);
    const size_t colon = marker.find(':');
    if (colon == std::string_view::npos) {
      apply_marker(*this, marker, std::nullopt);
    } else {
      apply_marker(*this, marker.substr(0, colon), marker.substr(colon + 1));
    }
    pos = close + 2;
  }
}

void Triggers::add_headers(const HeaderFields& headers) {
  if (auto v = find_header(headers, "x-mock-status")) {
    apply_status(*this, *v);
  }
  if (auto v = find_header(headers, "x-mock-retry-after")) {
    apply_retry_after(*this, *v);
  }
  if (auto v = find_header(headers, "x-mock-delay-ms")) {
    if (auto d = parse_delay(*v)) {
      delay = *d;
    }
  }
  if (auto v = find_header(headers, "x-mock-event-delay-ms")) {
    if (auto d = parse_delay(*v)) {
      event_delay = *d;
    }
  }
  if (auto v = find_header(headers, "x-mock-reset")) {
    if (*v == "before") {
      reset_before = true;
    } else if (*v == "mid-stream") {
      reset_mid_stream = true;
    }
  }
  if (auto v = find_header(headers, "x-mock-stamp"); v && *v == "1") {
    stamp = true;
  }
  if (auto v = find_header(headers, "x-mock-error"); v && *v == "mid-stream") {
    error_mid_stream = true;
  }
}

}  // namespace heimdall::mock
