// Test helpers shared by the OpenAI Chat golden tests and the cross-dialect translation tests:
// reading case folders, a minimal SSE splitter (blank-line separated frames; the real parser lives
// in http/), JSON comparison with readable diffs, and a one-line-per-event dump of canonical stream
// events.
#pragma once

#include "schema/sse_event.hpp"
#include "schema/stream.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace heimdall::test {

inline std::filesystem::path data_dir(std::string_view sub) {
  return std::filesystem::path(HEIMDALL_TEST_DATA_DIR) / sub;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool exists(const std::filesystem::path& p) { return std::filesystem::exists(p); }

// With HEIMDALL_WRITE_GOLDENS=1 in the environment, writes `text` to a golden file that does not
// exist yet, so a new case's expected output can be produced once and then reviewed by hand.
inline void write_missing_golden(const std::filesystem::path& p, std::string_view text) {
  const char* flag = std::getenv("HEIMDALL_WRITE_GOLDENS");
  if (flag == nullptr || std::string_view(flag) != "1" || std::filesystem::exists(p)) {
    return;
  }
  std::ofstream(p, std::ios::binary) << text;
}

// Case folders under `dir`, sorted, so failures are reported in a stable order.
inline std::vector<std::filesystem::path> case_dirs(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::exists(dir)) {
    return out;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_directory()) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Splits SSE text into events: frames end at a blank line; `event:` and `data:` fields only. A
// frame with only an `event:` line is kept (decoders must cope with it).
inline std::vector<schema::SseEvent> split_sse(std::string_view text) {
  std::vector<schema::SseEvent> out;
  schema::SseEvent current;
  bool has_field = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      if (has_field) {
        out.push_back(std::move(current));
      }
      current = {};
      has_field = false;
    } else if (line.rfind("data:", 0) == 0) {
      std::string_view v = line.substr(5);
      if (!v.empty() && v.front() == ' ') {
        v.remove_prefix(1);
      }
      if (!current.data.empty()) {
        current.data.push_back('\n');
      }
      current.data.append(v);
      has_field = true;
    } else if (line.rfind("event:", 0) == 0) {
      std::string_view v = line.substr(6);
      v.remove_prefix(std::min(v.find_first_not_of(' '), v.size()));
      current.event = std::string(v);
      has_field = true;
    }
    if (end == text.size()) {
      break;
    }
    pos = end + 1;
  }
  if (has_field) {
    out.push_back(std::move(current));
  }
  return out;
}

// The `created` timestamp is the only wall-clock field: it is zeroed before comparison.
inline void zero_created(boost::json::value& v) {
  if (v.is_object()) {
    auto& o = v.get_object();
    if (auto* c = o.if_contains("created"); c != nullptr && c->is_number()) {
      *c = 0;
    }
    for (auto& kv : o) {
      zero_created(kv.value());
    }
  } else if (v.is_array()) {
    for (auto& e : v.get_array()) {
      zero_created(e);
    }
  }
}

inline boost::json::value parse_json(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) {
    return boost::json::value(std::string("<<invalid json: ") + std::string(text) + ">>");
  }
  return v;
}

// Numbers compare by value (1 == 1.0), so hand-written goldens need not match the serializer's
// choice between integer and double.
inline bool json_equal(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_number() && b.is_number()) {
    return a.to_number<double>() == b.to_number<double>();
  }
  if (a.kind() != b.kind()) {
    return false;
  }
  if (a.is_object()) {
    const auto& oa = a.get_object();
    const auto& ob = b.get_object();
    if (oa.size() != ob.size()) {
      return false;
    }
    for (const auto& kv : oa) {
      const auto* other = ob.if_contains(kv.key());
      if (other == nullptr || !json_equal(kv.value(), *other)) {
        return false;
      }
    }
    return true;
  }
  if (a.is_array()) {
    const auto& aa = a.get_array();
    const auto& ab = b.get_array();
    if (aa.size() != ab.size()) {
      return false;
    }
    for (size_t i = 0; i < aa.size(); ++i) {
      if (!json_equal(aa[i], ab[i])) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

// Every key of `expected` is in `actual` with a matching value (recursively); arrays must have the
// same length. Used for another codec's output, whose optional fields are that codec's business.
inline bool json_subset(const boost::json::value& expected, const boost::json::value& actual,
                        std::string path, std::string& why) {
  if (expected.is_object()) {
    if (!actual.is_object()) {
      why = path + ": expected an object";
      return false;
    }
    for (const auto& kv : expected.get_object()) {
      const auto* other = actual.get_object().if_contains(kv.key());
      std::string sub = path + "." + std::string(kv.key());
      if (other == nullptr) {
        why = sub + ": missing";
        return false;
      }
      if (!json_subset(kv.value(), *other, sub, why)) {
        return false;
      }
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.get_array().size() != expected.get_array().size()) {
      why = path + ": array length differs";
      return false;
    }
    for (size_t i = 0; i < expected.get_array().size(); ++i) {
      if (!json_subset(expected.get_array()[i], actual.get_array()[i],
                       path + "[" + std::to_string(i) + "]", why)) {
        return false;
      }
    }
    return true;
  }
  if (!json_equal(expected, actual)) {
    why = path + ": expected " + boost::json::serialize(expected) + ", got " +
          boost::json::serialize(actual);
    return false;
  }
  return true;
}

inline std::string_view stop_name(std::optional<schema::StopReason> s) {
  if (!s) {
    return "null";
  }
  switch (*s) {
    case schema::StopReason::EndTurn:
      return "end_turn";
    case schema::StopReason::MaxTokens:
      return "max_tokens";
    case schema::StopReason::StopSequence:
      return "stop_sequence";
    case schema::StopReason::ToolUse:
      return "tool_use";
    case schema::StopReason::PauseTurn:
      return "pause_turn";
    case schema::StopReason::Refusal:
      return "refusal";
    case schema::StopReason::ContextWindowExceeded:
      return "context_window_exceeded";
  }
  return "?";
}

inline std::string block_name(schema::BlockType t) {
  switch (t) {
    case schema::BlockType::Text:
      return "text";
    case schema::BlockType::Image:
      return "image";
    case schema::BlockType::Document:
      return "document";
    case schema::BlockType::ToolUse:
      return "tool_use";
    case schema::BlockType::ToolResult:
      return "tool_result";
    case schema::BlockType::Thinking:
      return "thinking";
    case schema::BlockType::RedactedThinking:
      return "redacted_thinking";
    case schema::BlockType::Opaque:
      return "opaque";
  }
  return "?";
}

// One line per canonical event, the format of the `events.txt` goldens.
inline std::string dump_events(const std::vector<schema::StreamEvent>& events) {
  std::string out;
  for (const auto& e : events) {
    switch (e.type) {
      case schema::StreamEventType::MessageStart:
        out += "message_start id=" + e.id + " model=" + e.model;
        break;
      case schema::StreamEventType::BlockStart:
        out += "block_start " + std::to_string(e.index) + " " + block_name(e.block.type);
        if (e.block.type == schema::BlockType::ToolUse) {
          out += " id=" + e.block.id + " name=" + e.block.name;
        }
        break;
      case schema::StreamEventType::BlockDelta: {
        static const char* kinds[] = {"text", "json", "thinking", "signature", "citation"};
        out += "delta " + std::to_string(e.index) + " " + kinds[static_cast<int>(e.delta_type)] +
               " " + boost::json::serialize(boost::json::value(e.delta));
        break;
      }
      case schema::StreamEventType::BlockStop:
        out += "block_stop " + std::to_string(e.index);
        break;
      case schema::StreamEventType::MessageDelta:
        out += "message_delta stop=" + std::string(stop_name(e.stop_reason)) +
               " in=" + std::to_string(e.usage.input_tokens) +
               " out=" + std::to_string(e.usage.output_tokens) +
               " cache_read=" + std::to_string(e.usage.cache_read_input_tokens) +
               " cache_write=" + std::to_string(e.usage.cache_creation_input_tokens);
        break;
      case schema::StreamEventType::MessageStop:
        out += "message_stop";
        break;
      case schema::StreamEventType::Ping:
        out += "ping";
        break;
      case schema::StreamEventType::Error:
        out += "error status=" + std::to_string(schema::http_status(e.error)) + " " +
               boost::json::serialize(boost::json::value(e.error.message));
        break;
    }
    out += "\n";
  }
  return out;
}

// Checks the canonical stream invariants of schema/stream.hpp; returns "" when they hold.
inline std::string check_invariants(const std::vector<schema::StreamEvent>& events) {
  using T = schema::StreamEventType;
  size_t next = 0;
  bool open = false;
  size_t open_index = 0;
  bool started = false;
  bool ended = false;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    std::string at = "event " + std::to_string(i) + ": ";
    if (ended) {
      return at + "event after the end";
    }
    switch (e.type) {
      case T::MessageStart:
        if (started) return at + "second message_start";
        started = true;
        break;
      case T::BlockStart:
        if (!started) return at + "block before message_start";
        if (open) return at + "block started while another is open";
        if (e.index != next) return at + "index not sequential";
        open = true;
        open_index = next++;
        break;
      case T::BlockDelta:
        if (!open || e.index != open_index) return at + "delta outside its open block";
        break;
      case T::BlockStop:
        if (!open || e.index != open_index) return at + "stop of a block that is not open";
        open = false;
        break;
      case T::MessageDelta:
        if (open) return at + "message_delta with an open block";
        if (!e.stop_reason) return at + "message_delta without stop reason";
        break;
      case T::MessageStop:
      case T::Error:
        ended = true;
        break;
      case T::Ping:
        break;
    }
  }
  return "";
}

}  // namespace heimdall::test
