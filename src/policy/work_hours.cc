#include "hvr/work_hours.hpp"

#include <ctime>
#include <string>
#include <utility>

#include "platform/calendar.hpp"

namespace hvr {
namespace {

// Day of week (0 = Sunday) and minute of day of `t` in the hours' local time.
std::pair<int, int> LocalDayAndMinute(TimePoint t, const std::optional<std::chrono::minutes>& offset) {
  const std::tm tm = offset ? UtcCalendar(std::chrono::system_clock::to_time_t(t + *offset))
                            : LocalCalendar(std::chrono::system_clock::to_time_t(t));
  return {tm.tm_wday, tm.tm_hour * 60 + tm.tm_min};
}

}  // namespace

WorkHours WorkHours::Weekdays(int start_hour, int end_hour) {
  WorkHours hours;
  hours.start = std::chrono::hours(start_hour);
  hours.end = std::chrono::hours(end_hour);
  return hours;
}

Status WorkHours::Validate(std::string_view what) const {
  const auto day = std::chrono::minutes(24 * 60);
  if (start < std::chrono::minutes(0) || end > day || start >= end) {
    return Error(Code::kInvalidArgument,
                 std::string(what) + ": work hours must start before they end, within one day "
                 "(start " + std::to_string(start.count()) + " min, end " +
                     std::to_string(end.count()) + " min)");
  }
  if (utc_offset && (*utc_offset < std::chrono::minutes(-14 * 60) ||
                     *utc_offset > std::chrono::minutes(14 * 60))) {
    return Error(Code::kInvalidArgument, std::string(what) + ": UTC offset beyond +-14 hours");
  }
  return Ok();
}

bool WorkHours::Contains(TimePoint t) const {
  const auto [day, minute] = LocalDayAndMinute(t, utc_offset);
  return days[static_cast<size_t>(day)] && minute >= start.count() && minute < end.count();
}

TimePoint WorkHours::NextOutside(TimePoint t) const {
  // Work hours end within a day of any moment inside them; stepping by minutes from the
  // start of the current minute finds the end without calendar arithmetic (time zone
  // changes included).
  if (!Contains(t)) return t;
  auto probe = std::chrono::floor<std::chrono::minutes>(t);
  for (int i = 0; i < 24 * 60 && Contains(probe); ++i) probe += std::chrono::minutes(1);
  return probe;
}

}  // namespace hvr
