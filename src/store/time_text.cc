#include "store/time_text.hpp"

#include <cstdio>
#include <ctime>

#include "platform/calendar.hpp"

namespace hvr {
namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr int kFirstYear = 1970;
constexpr int kLastYear = 2261;

std::tm ToUtc(TimePoint t) {
  return UtcCalendar(std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t)));
}

bool Digits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

std::optional<TimePoint> FromFields(int year, int month, int day, int hour, int minute,
                                    int second) {
  // TimePoint counts nanoseconds in 64 bits: it reaches from 1677 to 2262. Azure's times
  // are all after 1970; outside that window the text is damage, not a date.
  if (year < kFirstYear || year > kLastYear || month < 1 || month > 12 || day < 1 ||
      day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  // Days past a month's end and a leap second carry over into what follows, as timegm
  // (not in every C library) would have it.
  const std::chrono::sys_days date = std::chrono::year(year) / std::chrono::month(static_cast<unsigned>(month)) /
                                     std::chrono::day(static_cast<unsigned>(day));
  return TimePoint(date + std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second));
}

}  // namespace

std::string FormatHttpDate(TimePoint t) {
  const std::tm tm = ToUtc(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::optional<TimePoint> ParseHttpDate(std::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(text, 5, 2, day) || !Digits(text, 12, 4, year) || !Digits(text, 17, 2, hour) ||
      !Digits(text, 20, 2, minute) || !Digits(text, 23, 2, second)) {
    return std::nullopt;
  }
  int month = 0;
  for (int m = 0; m < 12; ++m) {
    if (text.substr(8, 3) == kMonths[m]) month = m + 1;
  }
  return FromFields(year, month, day, hour, minute, second);
}

std::string FormatUtcSeconds(TimePoint t) { return FormatSnapshotTime(t).substr(0, 19) + "Z"; }

std::string FormatSnapshotTime(TimePoint t) {
  const std::tm tm = ToUtc(t);
  const auto ticks = std::chrono::duration_cast<SnapshotTicks>(
                         t - std::chrono::floor<std::chrono::seconds>(t))
                         .count();
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%07lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(ticks));
  return buf;
}

std::optional<TimePoint> ParseSnapshotTime(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || text.back() != 'Z' || text[4] != '-' || text[7] != '-' ||
      text[10] != 'T' || text[13] != ':' || text[16] != ':' || !Digits(text, 0, 4, year) ||
      !Digits(text, 5, 2, month) || !Digits(text, 8, 2, day) || !Digits(text, 11, 2, hour) ||
      !Digits(text, 14, 2, minute) || !Digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  int64_t ticks = 0;
  const std::string_view fraction = text.substr(19, text.size() - 20);
  if (!fraction.empty()) {
    if (fraction[0] != '.' || fraction.size() < 2 || fraction.size() > 8) return std::nullopt;
    for (size_t i = 1; i < 8; ++i) {
      int digit = 0;
      if (i < fraction.size() && !Digits(fraction, i, 1, digit)) return std::nullopt;
      ticks = ticks * 10 + digit;
    }
  }
  auto whole = FromFields(year, month, day, hour, minute, second);
  if (!whole) return std::nullopt;
  return *whole + std::chrono::duration_cast<Duration>(SnapshotTicks(ticks));
}

}  // namespace hvr
