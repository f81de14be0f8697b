#include "store/time_text.hpp"

#include <gtest/gtest.h>

namespace hvr {
namespace {

TimePoint At(int64_t unix_seconds) { return TimePoint(std::chrono::seconds(unix_seconds)); }

TEST(TimeTextTest, HttpDatesAreRfc1123) {
  // RFC 9110's example date.
  EXPECT_EQ(FormatHttpDate(At(784111777)), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), At(784111777));
  EXPECT_EQ(FormatHttpDate(At(951782400)), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(ParseHttpDate(FormatHttpDate(At(1714564800))), At(1714564800));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate(""));
  // Years a TimePoint cannot hold are refused, not overflowed.
  EXPECT_FALSE(ParseHttpDate("Wed, 01 May 1012 12:00:00 GMT"));
  EXPECT_FALSE(ParseHttpDate("Wed, 01 May 9999 12:00:00 GMT"));
}

TEST(TimeTextTest, SnapshotTimesHaveSevenDecimals) {
  const TimePoint t = At(1714564800) + std::chrono::microseconds(123456) + std::chrono::nanoseconds(700);
  EXPECT_EQ(FormatSnapshotTime(t), "2024-05-01T12:00:00.1234567Z");
  EXPECT_EQ(ParseSnapshotTime("2024-05-01T12:00:00.1234567Z"), t);
  EXPECT_EQ(ParseSnapshotTime("2024-05-01T12:00:00.5Z"), At(1714564800) + std::chrono::milliseconds(500));
  EXPECT_EQ(ParseSnapshotTime("2024-05-01T12:00:00Z"), At(1714564800));
  EXPECT_FALSE(ParseSnapshotTime("2024-05-01 12:00:00Z"));
  EXPECT_FALSE(ParseSnapshotTime("2024-05-01T12:00:00.12345678Z"));
  EXPECT_FALSE(ParseSnapshotTime("2024-05-01T12:00:00.1234567"));
  EXPECT_FALSE(ParseSnapshotTime("0001-05-01T12:00:00Z"));
  EXPECT_FALSE(ParseSnapshotTime("2400-05-01T12:00:00Z"));
  // Text order is time order.
  EXPECT_LT(FormatSnapshotTime(t), FormatSnapshotTime(t + SnapshotTicks(1)));
  EXPECT_EQ(FloorToSnapshotTick(t + std::chrono::nanoseconds(99)), t);
}

}  // namespace
}  // namespace hvr
