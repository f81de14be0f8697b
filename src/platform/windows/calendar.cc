#include "platform/calendar.hpp"

namespace hvr {

std::tm UtcCalendar(std::time_t moment) {
  std::tm fields{};
  ::gmtime_s(&fields, &moment);
  return fields;
}

std::tm LocalCalendar(std::time_t moment) {
  std::tm fields{};
  ::localtime_s(&fields, &moment);
  return fields;
}

}  // namespace hvr
