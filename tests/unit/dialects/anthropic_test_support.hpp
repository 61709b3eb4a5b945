// Helpers shared by the Anthropic codec tests (anthropic_test.cpp: golden cases,
// anthropic_targeted_test.cpp: behaviour): JSON comparison where 1 == 1.0, a tiny SSE splitter so
// the tests need no http layer, and stream round-trip helpers.
#pragma once

#include "dialects/anthropic.hpp"
#include "translation_test_support.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace heimdall::dialects::anthropic_test {

namespace fs = std::filesystem;
namespace json = boost::json;
using schema::SseEvent;
using schema::StreamEvent;

inline const fs::path kDataDir = fs::path(HEIMDALL_TEST_DATA_DIR) / "anthropic";

using test::read_file;

// Structural JSON equality where 1 and 1.0 are the same number (the codec writes shortest forms).
// Returns an empty string when equal, else the path of the first difference.
inline std::string json_diff(const json::value& a, const json::value& b,
                             const std::string& path = "$") {
  if (a.is_number() && b.is_number()) {
    return a.to_number<double>() == b.to_number<double>() ? "" : path;
  }
  if (a.kind() != b.kind()) {
    return path + " (kind)";
  }
  if (a.is_object()) {
    const auto& ao = a.get_object();
    const auto& bo = b.get_object();
    for (const auto& kv : ao) {
      auto it = bo.find(kv.key());
      if (it == bo.end()) {
        return path + "." + std::string(kv.key()) + " (missing on right)";
      }
      if (auto d = json_diff(kv.value(), it->value(), path + "." + std::string(kv.key()));
          !d.empty()) {
        return d;
      }
    }
    for (const auto& kv : bo) {
      if (!ao.contains(kv.key())) {
        return path + "." + std::string(kv.key()) + " (missing on left)";
      }
    }
    return "";
  }
  if (a.is_array()) {
    const auto& aa = a.get_array();
    const auto& ba = b.get_array();
    if (aa.size() != ba.size()) {
      return path + " (array size " + std::to_string(aa.size()) + " vs " +
             std::to_string(ba.size()) + ")";
    }
    for (size_t i = 0; i < aa.size(); ++i) {
      if (auto d = json_diff(aa[i], ba[i], path + "[" + std::to_string(i) + "]"); !d.empty()) {
        return d;
      }
    }
    return "";
  }
  return a == b ? "" : path;
}

inline ::testing::AssertionResult json_equal(std::string_view actual, std::string_view expected) {
  boost::system::error_code ec1, ec2;
  auto a = json::parse(actual, ec1);
  auto b = json::parse(expected, ec2);
  if (ec1) {
    return ::testing::AssertionFailure() << "actual is not JSON: " << actual;
  }
  if (ec2) {
    return ::testing::AssertionFailure() << "expected is not JSON: " << expected;
  }
  if (auto d = json_diff(a, b); !d.empty()) {
    return ::testing::AssertionFailure()
           << "differs at " << d << "\n actual:   " << json::serialize(a)
           << "\n expected: " << json::serialize(b);
  }
  return ::testing::AssertionSuccess();
}

using test::split_sse;

inline std::vector<StreamEvent> decode_stream(const std::vector<SseEvent>& frames,
                                              bool finish = true) {
  TranslationContext ctx;
  auto dec = anthropic_codec().make_stream_decoder(ctx);
  std::vector<StreamEvent> events;
  for (const auto& f : frames) {
    dec->feed(f, events);
  }
  if (finish) {
    dec->finish(events);
  }
  return events;
}

inline std::string encode_stream(const std::vector<StreamEvent>& events, std::string model = {}) {
  StreamEncoderOptions opts;
  opts.model = std::move(model);
  auto enc = anthropic_codec().make_stream_encoder(opts);
  std::string out;
  for (const auto& e : events) {
    enc->encode(e, out);
  }
  return out;
}

inline std::vector<std::string> golden_cases() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kDataDir, ec)) {
    if (entry.is_directory()) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace heimdall::dialects::anthropic_test
