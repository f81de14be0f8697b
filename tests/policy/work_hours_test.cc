#include "hvr/work_hours.hpp"

#include <gtest/gtest.h>

namespace hvr {
namespace {

using namespace std::chrono_literals;

// 2024-05-01 was a Wednesday; times are UTC.
TimePoint May(int day, int hour, int minute = 0) {
  return TimePoint(std::chrono::seconds(1714521600)) + std::chrono::hours(24 * (day - 1) + hour) +
         std::chrono::minutes(minute);
}

WorkHours Office() {
  WorkHours hours = WorkHours::Weekdays(8, 18);
  hours.utc_offset = 0min;
  return hours;
}

TEST(WorkHoursTest, WeekdaysBetweenStartAndEnd) {
  const WorkHours hours = Office();
  EXPECT_TRUE(hours.Validate("office").ok());
  EXPECT_TRUE(hours.Contains(May(1, 8)));
  EXPECT_TRUE(hours.Contains(May(1, 17, 59)));
  EXPECT_FALSE(hours.Contains(May(1, 18))) << "the end is outside";
  EXPECT_FALSE(hours.Contains(May(1, 7, 59)));
  EXPECT_FALSE(hours.Contains(May(4, 12))) << "Saturday";
  EXPECT_FALSE(hours.Contains(May(5, 12))) << "Sunday";
  EXPECT_TRUE(hours.Contains(May(6, 12))) << "Monday";
}

TEST(WorkHoursTest, NextOutsideIsTheEndOfTheWorkingDay) {
  const WorkHours hours = Office();
  EXPECT_EQ(hours.NextOutside(May(1, 9, 30) + 17s), May(1, 18));
  EXPECT_EQ(hours.NextOutside(May(1, 19)), May(1, 19)) << "already outside";
  EXPECT_EQ(hours.NextOutside(May(4, 12)), May(4, 12));
}

TEST(WorkHoursTest, TheOffsetShiftsLocalTime) {
  WorkHours hours = Office();
  hours.utc_offset = 120min;  // 06:30 UTC is 08:30 local
  EXPECT_TRUE(hours.Contains(May(1, 6, 30)));
  EXPECT_FALSE(hours.Contains(May(1, 16, 30)));
}

TEST(WorkHoursTest, InvalidHoursNameTheSetting) {
  WorkHours hours;
  hours.start = 18h;
  hours.end = 8h;
  const Status status = hours.Validate("resync window");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("resync window"), std::string::npos);
  hours = WorkHours{};
  hours.utc_offset = 15h;
  EXPECT_FALSE(hours.Validate("x").ok());
}

}  // namespace
}  // namespace hvr
