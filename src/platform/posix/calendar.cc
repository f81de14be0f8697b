#include "platform/calendar.hpp"

namespace hvr {

std::tm UtcCalendar(std::time_t moment) {
  std::tm fields{};
  ::gmtime_r(&moment, &fields);
  return fields;
}

std::tm LocalCalendar(std::time_t moment) {
  std::tm fields{};
  ::localtime_r(&moment, &fields);
  return fields;
}

}  // namespace hvr
