// SseParser against the WHATWG event-stream rules, fed in every possible split so the incremental
// state (a line or a "\r\n" pair cut between two reads) is exercised at each byte.
#include "http/sse_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace heimdall::http {
namespace {

using schema::SseEvent;

std::vector<SseEvent> parse_whole(std::string_view input) {
  SseParser parser;
  std::vector<SseEvent> out;
  parser.feed(input, out);
  parser.finish(out);
  return out;
}

void expect_events(const std::vector<SseEvent>& got, const std::vector<SseEvent>& want,
                   const std::string& context) {
  ASSERT_EQ(got.size(), want.size()) << context;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].event, want[i].event) << context << " event #" << i;
    EXPECT_EQ(got[i].data, want[i].data) << context << " event #" << i;
    EXPECT_EQ(got[i].id, want[i].id) << context << " event #" << i;
  }
}

// Feeds `input` cut at every position, and also with a short middle piece (up to 3 bytes, empty
// included) after every position, so "\r" | "" | "\n" and similar cuts are covered; every pair of
// cuts would add nothing but minutes under the sanitizers.
void expect_all_splits(const std::string& input, const std::vector<SseEvent>& want) {
  for (size_t a = 0; a <= input.size(); ++a) {
    for (size_t b = a; b <= std::min(input.size(), a + 3); ++b) {
      SseParser parser;
      std::vector<SseEvent> out;
      parser.feed(std::string_view(input).substr(0, a), out);
      parser.feed(std::string_view(input).substr(a, b - a), out);
      parser.feed(std::string_view(input).substr(b), out);
      parser.finish(out);
      expect_events(out, want, "splits at " + std::to_string(a) + "," + std::to_string(b));
      if (::testing::Test::HasFailure()) {
        return;  // one broken split is enough to read
      }
    }
  }
}

std::string with_line_ends(std::string text, std::string_view eol) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out.append(eol);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

const char* const kStream =
    ": keep-alive comment\n"
    "event: message_start\n"
    "data: {\"type\":\"message_start\"}\n"
    "\n"
    "data: line one\n"
    "data:line two\n"
    "data:  two spaces\n"
    "id: 42\n"
    "\n"
    "event: ping\n"
    "\n"
    "retry: 1000\n"
    "unknown: field\n"
    "data\n"
    "\n"
    "\n"
    "data: last without blank line";

const std::vector<SseEvent> kExpected = {
    {"message_start", "{\"type\":\"message_start\"}", ""},
    {"", "line one\nline two\n two spaces", "42"},
    {"ping", "", ""},
    {"", "", ""},  // a bare "data" line is a field with an empty value: it dispatches
    {"", "last without blank line", ""},
};

TEST(SseParserTest, ParsesWholeStreamWithLf) {
  expect_events(parse_whole(kStream), kExpected, "lf");
}

TEST(SseParserTest, EverySplitWithLf) { expect_all_splits(kStream, kExpected); }

TEST(SseParserTest, EverySplitWithCrLf) {
  expect_all_splits(with_line_ends(kStream, "\r\n"), kExpected);
}

TEST(SseParserTest, EverySplitWithCr) {
  expect_all_splits(with_line_ends(kStream, "\r"), kExpected);
}

TEST(SseParserTest, CrThenLfAcrossFeedsIsOneLineEnd) {
  SseParser parser;
  std::vector<SseEvent> out;
  parser.feed("data: a\r", out);
  parser.feed("\n\r", out);  // "\r\n" ends the data line, then "\r" is the blank line
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "a");
  parser.feed("\ndata: b\r\r", out);  // that "\n" completes the previous "\r": not another line
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].data, "b");
}

TEST(SseParserTest, ByteAtATimeMatchesWhole) {
  const std::string input = with_line_ends(kStream, "\r\n");
  SseParser parser;
  std::vector<SseEvent> out;
  for (char c : input) {
    parser.feed(std::string_view(&c, 1), out);
  }
  parser.finish(out);
  expect_events(out, kExpected, "byte at a time");
}

TEST(SseParserTest, CommentsAndEmptyBlocksDispatchNothing) {
  EXPECT_TRUE(parse_whole(":a\n\n:b\r\n\r\n\n\n").empty());
}

TEST(SseParserTest, PendingBytesCountsUnfinishedLine) {
  SseParser parser;
  std::vector<SseEvent> out;
  parser.feed("data: x\n\ndata: par", out);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(parser.pending_bytes(), 9u);
}

TEST(SseParserTest, OpenAiStyleStreamWithDone) {
  const auto events = parse_whole("data: {\"id\":1}\n\ndata: {\"id\":2}\n\ndata: [DONE]\n\n");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].data, "[DONE]");
  EXPECT_TRUE(events[0].event.empty());
}

}  // namespace
}  // namespace heimdall::http
