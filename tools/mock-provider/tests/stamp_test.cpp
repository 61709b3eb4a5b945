// Stream stamps: placeholders, filling them at write time, reading them back, and the mocks and
// play() carrying them end to end.
#include "stamp.hpp"
#include "anthropic_mock.hpp"
#include "openai_mock.hpp"
#include "recording_writer.hpp"
#include "reply_plan.hpp"
#include "test_util.hpp"
#include "triggers.hpp"

#include <gtest/gtest.h>

namespace heimdall::mock {
namespace {

TEST(StampTest, PlaceholdersSplitEvenlyOnePerDelta) {
  const std::string text = stamp_placeholders(4);
  ASSERT_EQ(text.size(), 4 * (kStampMark.size() + kStampDigits));
  for (auto piece : split_even(text, 4)) {
    EXPECT_EQ(piece.size(), kStampMark.size() + kStampDigits);
    EXPECT_EQ(read_stamp(piece), 0);
  }
}

TEST(StampTest, FillWritesTheCurrentTimeIntoEveryPlaceholder) {
  std::string frame = "data: {\"t\":\"" + stamp_placeholders(2) + "\"}\n\n";
  const int64_t before = stamp_now_us();
  fill_stamps(frame);
  const int64_t after = stamp_now_us();
  auto first = read_stamp(frame);
  ASSERT_TRUE(first.has_value());
  EXPECT_GE(*first, before);
  EXPECT_LE(*first, after);
  const size_t second = frame.find(kStampMark, frame.find(kStampMark) + 1);
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(read_stamp(std::string_view(frame).substr(second)), first);
  EXPECT_EQ(frame.size(), std::string("data: {\"t\":\"\"}\n\n").size() + 2 * 20);
}

TEST(StampTest, ReadRejectsTruncatedOrMissingStamps) {
  EXPECT_FALSE(read_stamp("no stamp here").has_value());
  EXPECT_FALSE(read_stamp("@@TS00012").has_value());
  EXPECT_FALSE(read_stamp("@@TS00000000000x0000").has_value());
  EXPECT_EQ(read_stamp("xx@@TS0000000000001234yy"), 1234);
}

TEST(StampTest, TriggerFromPromptOrHeader) {
  Triggers prompt;
  prompt.add_prompt("go [[stamp]]");
  EXPECT_TRUE(prompt.stamp);
  Triggers header;
  header.add_headers({{"x-mock-stamp", "1"}});
  EXPECT_TRUE(header.stamp);
  Triggers none;
  none.add_headers({{"x-mock-stamp", "0"}});
  EXPECT_FALSE(none.stamp);
}

std::string stamped_stream_text(const MockResponse& r, std::string_view field_path) {
  std::string text;
  for (const auto& e : test::parse_frames(r.frames)) {
    boost::system::error_code absent;
    const auto* v = e.json.find_pointer(field_path, absent);
    if (v && v->is_string()) text += v->as_string();
  }
  return text;
}

TEST(StampTest, BothDialectsStreamOnePlaceholderPerDelta) {
  const auto a = anthropic::messages(
      test::OwnedRequest{"POST",
                         "/v1/messages",
                         {{"x-api-key", "k"}},
                         R"({"model":"m","max_tokens":9,"stream":true,)"
                         R"("messages":[{"role":"user","content":"[[stamp]] [[deltas:3]]"}]})"}
          .view(),
      "k");
  EXPECT_TRUE(a.stamp);
  EXPECT_EQ(stamped_stream_text(a, "/delta/text"), stamp_placeholders(3));
  const auto o = openai::chat_completions(
      test::OwnedRequest{"POST",
                         "/v1/chat/completions",
                         {{"authorization", "Bearer k"}},
                         R"({"model":"m","stream":true,)"
                         R"("messages":[{"role":"user","content":"[[stamp]] [[deltas:3]]"}]})"}
          .view(),
      "k");
  EXPECT_TRUE(o.stamp);
  EXPECT_EQ(stamped_stream_text(o, "/choices/0/delta/content"), stamp_placeholders(3));
}

TEST(StampTest, PlayFillsStampsAsEachPacedFrameIsWritten) {
  MockResponse r;
  r.stream = true;
  r.stamp = true;
  r.event_delay = std::chrono::milliseconds(20);
  r.frames = {"data: " + stamp_placeholders(1) + "\n\n", "data: " + stamp_placeholders(1) + "\n\n"};
  const auto w = test::run_play(r);
  ASSERT_EQ(w.chunks_.size(), 2U);
  auto first = read_stamp(w.chunks_[0]);
  auto second = read_stamp(w.chunks_[1]);
  ASSERT_TRUE(first && second);
  EXPECT_GT(*first, 0);
  EXPECT_GE(*second - *first, 20'000);  // written one event delay apart
}

}  // namespace
}  // namespace heimdall::mock
