// Office hours: a daily span of local time on chosen days of the week. Bandwidth limits
// differ inside and outside them, and resynchronization runs outside them by default.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"

namespace hvr {

struct WorkHours {
  // [start, end) of local time, within one day.
  std::chrono::minutes start{9 * 60};
  std::chrono::minutes end{17 * 60};
  std::array<bool, 7> days{false, true, true, true, true, true, false};  // Sunday first
  // Local time is UTC plus this offset; unset means the host's time zone.
  std::optional<std::chrono::minutes> utc_offset;

  // Monday to Friday, [start_hour:00, end_hour:00).
  static WorkHours Weekdays(int start_hour, int end_hour);

  // start < end, both within one day; the offset within +-14 hours. `what` names the
  // setting in the message ("bandwidth schedule").
  Status Validate(std::string_view what) const;
  bool Contains(TimePoint t) const;
  // The first moment at or after `t` that lies outside the hours (t itself when it does).
  TimePoint NextOutside(TimePoint t) const;
};

}  // namespace hvr
