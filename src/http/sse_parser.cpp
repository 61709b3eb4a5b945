// WHATWG HTML §9.2.6 "Interpreting an event stream", fed incrementally. Lines are sliced out of the
// caller's buffer without copying; only a line split across two feeds is carried in `line_`.
#include "http/sse_parser.hpp"

#include <cstring>

namespace heimdall::http {

namespace {

// Position of the first '\r' or '\n' at or after `pos`, or npos. string_view::find_first_of
// calls memchr on the two-character set once per input byte; two memchr calls over the input
// are an order of magnitude cheaper, and most streams have no '\r' at all.
size_t find_line_end(std::string_view bytes, size_t pos) {
  const char* begin = bytes.data() + pos;
  const size_t length = bytes.size() - pos;
  const auto* lf = static_cast<const char*>(std::memchr(begin, '\n', length));
  const size_t limit = lf != nullptr ? static_cast<size_t>(lf - begin) : length;
  if (const auto* cr = static_cast<const char*>(std::memchr(begin, '\r', limit))) {
    return pos + static_cast<size_t>(cr - begin);
  }
  return lf != nullptr ? pos + limit : std::string_view::npos;
}

}  // namespace

void SseParser::feed(std::string_view bytes, std::vector<schema::SseEvent>& out) {
  size_t pos = 0;
  if (last_was_cr_ && !bytes.empty()) {
    // The previous feed ended in "\r": a "\n" here belongs to the same line end.
    last_was_cr_ = false;
    if (bytes[0] == '\n') {
      pos = 1;
    }
  }
  while (pos < bytes.size()) {
    const size_t end = find_line_end(bytes, pos);
    if (end == std::string_view::npos) {
      line_.append(bytes.substr(pos));
      return;
    }
    if (line_.empty()) {
      process_line(bytes.substr(pos, end - pos), out);
    } else {
      line_.append(bytes.substr(pos, end - pos));
      process_line(line_, out);
      line_.clear();
    }
    pos = end + 1;
    if (bytes[end] == '\r') {
      if (pos == bytes.size()) {
        last_was_cr_ = true;
      } else if (bytes[pos] == '\n') {
        ++pos;
      }
    }
  }
}

void SseParser::finish(std::vector<schema::SseEvent>& out) {
  if (!line_.empty()) {
    // process_line may not read from line_ while it is cleared, so move it out first.
    std::string line = std::move(line_);
    line_.clear();
    process_line(line, out);
  }
  last_was_cr_ = false;
  process_line({}, out);
}

void SseParser::process_line(std::string_view line, std::vector<schema::SseEvent>& out) {
  if (line.empty()) {
    // Blank line: dispatch. An event with only a name still dispatches (the brief of this parser:
    // some providers send `event: ping` with no data), an entirely empty block does not.
    if (has_data_ || !current_.event.empty()) {
      out.push_back(std::move(current_));
    }
    current_ = schema::SseEvent{};
    has_data_ = false;
    return;
  }
  if (line.front() == ':') {
    return;  // comment (keep-alive pings)
  }
  std::string_view field = line;
  std::string_view value;
  if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') {
      value.remove_prefix(1);
    }
  }
  if (field == "data") {
    if (has_data_) {
      current_.data.push_back('\n');
    }
    current_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    current_.event.assign(value);
  } else if (field == "id") {
    // The spec ignores ids containing NUL. The id is kept per event (relays want the id of the
    // frame they forward), not carried over to later events.
    if (value.find('\0') == std::string_view::npos) {
      current_.id.assign(value);
    }
  }
  // "retry" and unknown fields are ignored, as the spec says.
}

}  // namespace heimdall::http
