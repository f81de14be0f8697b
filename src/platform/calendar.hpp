// The calendar fields of a moment, in UTC or in the machine's time zone: gmtime_r and
// localtime_r on POSIX, gmtime_s and localtime_s (their arguments swapped) on Windows.
#pragma once

#include <ctime>

namespace hvr {

std::tm UtcCalendar(std::time_t moment);
std::tm LocalCalendar(std::time_t moment);

}  // namespace hvr
