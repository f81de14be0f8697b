#include "hvr/bandwidth.hpp"

#include <gtest/gtest.h>

namespace hvr {
namespace {

using namespace std::chrono_literals;

// 2024-05-01 was a Wednesday; times are UTC.
TimePoint May1(int hour, int minute = 0) {
  return TimePoint(std::chrono::seconds(1714521600)) + std::chrono::hours(hour) + std::chrono::minutes(minute);
}

TEST(BandwidthScheduleTest, WorkHoursOnWorkDaysInTheScheduleTimeZone) {
  BandwidthSchedule s;
  s.work_bytes_per_second = 1000;
  s.non_work_bytes_per_second = 0;
  s.work_hours.utc_offset = std::chrono::minutes(0);
  EXPECT_TRUE(s.Validate().ok());
  EXPECT_EQ(s.RateAt(May1(9)), 1000u);
  EXPECT_EQ(s.RateAt(May1(16, 59)), 1000u);
  EXPECT_EQ(s.RateAt(May1(17)), 0u) << "work hours end at 17:00";
  EXPECT_EQ(s.RateAt(May1(8, 59)), 0u);
  EXPECT_EQ(s.RateAt(May1(12) + std::chrono::hours(24 * 3)), 0u) << "Saturday";
  // At UTC+2, 07:30 UTC is 09:30 local: work time.
  s.work_hours.utc_offset = std::chrono::minutes(120);
  EXPECT_TRUE(s.IsWorkTime(May1(7, 30)));
  EXPECT_FALSE(s.IsWorkTime(May1(15, 30)));
}

TEST(BandwidthScheduleTest, InvalidSchedulesAreRefused) {
  BandwidthSchedule s;
  s.work_hours.start = std::chrono::minutes(18 * 60);
  s.work_hours.end = std::chrono::minutes(8 * 60);
  EXPECT_FALSE(s.Validate().ok());
  s = BandwidthSchedule{};
  s.work_hours.utc_offset = std::chrono::minutes(15 * 60);
  EXPECT_FALSE(s.Validate().ok());
}

TEST(BandwidthLimiterTest, ReservationsSpaceSendsAtTheRate) {
  ManualClock clock(May1(12));
  BandwidthLimiter limiter(BandwidthSchedule::Constant(1 << 20), clock);
  // The first MiB goes at once (after idle time, up to 100 ms of credit)...
  EXPECT_EQ(limiter.Reserve(1 << 20), Duration::zero());
  // ...the next waits for the first to leave: about 0.9 s.
  const Duration second = limiter.Reserve(1 << 20);
  EXPECT_GT(second, 850ms);
  EXPECT_LE(second, 1000ms);
  const Duration third = limiter.Reserve(1 << 19);
  EXPECT_GT(third, second + 900ms);
  EXPECT_EQ(limiter.bytes_booked(), (2u << 20) + (1u << 19));
}

// A sender that hands its bytes over at once waits until they would have left, its last
// bytes included: a whole transfer then takes at least bytes / rate, less the burst.
TEST(BandwidthLimiterTest, ReservingUntilSentWaitsForTheBytesThemselves) {
  ManualClock clock(May1(12));
  BandwidthLimiter limiter(BandwidthSchedule::Constant(1 << 20), clock);
  const Duration first = limiter.ReserveUntilSent(1 << 20);  // 1 s less 100 ms of credit
  EXPECT_GT(first, 850ms);
  EXPECT_LE(first, 1000ms);
  const Duration second = limiter.ReserveUntilSent(1 << 19);
  EXPECT_GT(second, first + 450ms);
  EXPECT_LE(second, first + 500ms);
}

TEST(BandwidthLimiterTest, UnlimitedHoursNeverWait) {
  ManualClock clock(May1(20));  // outside work hours
  BandwidthSchedule s;
  s.work_bytes_per_second = 1;
  s.non_work_bytes_per_second = 0;
  s.work_hours.utc_offset = std::chrono::minutes(0);
  BandwidthLimiter limiter(s, clock);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.Reserve(1 << 30), Duration::zero());
  clock.Set(May1(10));  // work hours: 1 byte/s
  EXPECT_EQ(limiter.Reserve(1), Duration::zero());
  EXPECT_GT(limiter.Reserve(10), 500ms);
}

}  // namespace
}  // namespace hvr
