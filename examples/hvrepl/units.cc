#include "units.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>
#include <utility>

#include "platform/terminal.hpp"
#include "util/ascii.hpp"

namespace hvrepl {

std::optional<uint64_t> ParseSize(const std::string& text) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;
  size_t used = 0;
  uint64_t value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const std::string unit = hvr::AsciiLower(text.substr(used));
  int shift = -1;
  if (unit.empty() || unit == "b") shift = 0;
  if (unit == "k" || unit == "kib") shift = 10;
  if (unit == "m" || unit == "mib") shift = 20;
  if (unit == "g" || unit == "gib") shift = 30;
  if (unit == "t" || unit == "tib") shift = 40;
  if (shift < 0 || value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

std::string SizeText(uint64_t bytes) {
  if (bytes == 0) return "0";
  for (const auto& [shift, unit] : {std::pair{40, "T"}, {30, "G"}, {20, "M"}, {10, "K"}}) {
    if (bytes % (uint64_t{1} << shift) == 0) return std::to_string(bytes >> shift) + unit;
  }
  return std::to_string(bytes);
}

hvr::Result<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  const auto invalid = [&] {
    return hvr::Error(hvr::Code::kInvalidArgument, "'" + text + "' is not a duration from 0 to " +
                                                       std::to_string(kMaxDuration.count()) + "h: " + kDurationForms);
  };
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return invalid();
  }
  const std::string unit = text.substr(used);
  double ms_per_unit = 0;
  if (unit == "ms") ms_per_unit = 1;
  else if (unit.empty() || unit == "s") ms_per_unit = 1000;
  else if (unit == "m" || unit == "min") ms_per_unit = 60'000;
  else if (unit == "h") ms_per_unit = 3'600'000;
  else return invalid();
  // Compared as doubles, before any conversion: NaN fails every comparison, and
  // infinity or 1e308 would overflow the integer.
  const double ms = value * ms_per_unit;
  const double most = static_cast<double>(std::chrono::milliseconds(kMaxDuration).count());
  if (!(ms >= 0 && ms <= most)) return invalid();
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

std::string DurationText(std::chrono::milliseconds duration) {
  const int64_t ms = duration.count();
  if (ms == 0) return "0";
  for (const auto& [per_unit, unit] : {std::pair<int64_t, const char*>{3'600'000, "h"}, {60'000, "m"}, {1000, "s"}}) {
    if (ms % per_unit == 0) return std::to_string(ms / per_unit) + unit;
  }
  return std::to_string(ms) + "ms";
}

namespace {

// "HH:MM" as minutes of the day (24:00 included: the end of a day); nullopt otherwise.
std::optional<int> MinuteOfDay(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int hours = std::stoi(text.substr(0, 2));
  const int minutes = std::stoi(text.substr(3, 2));
  if (minutes > 59 || hours * 60 + minutes > 24 * 60) return std::nullopt;
  return hours * 60 + minutes;
}

// "sun".."sat" as 0..6; nullopt otherwise.
std::optional<size_t> DayOfWeek(const std::string& text) {
  static const char* const kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  for (size_t i = 0; i < 7; ++i) {
    if (text == kDays[i]) return i;
  }
  return std::nullopt;
}

}  // namespace

hvr::Result<hvr::WorkHours> ParseWorkHours(const std::string& text) {
  const auto invalid = [&] {
    return hvr::Error(hvr::Code::kInvalidArgument, "'" + text + "' is not a span of hours: " + kWorkHoursForms);
  };
  const size_t at = text.find('@');
  const std::string span = text.substr(0, at);
  const size_t dash = span.find('-');
  if (dash == std::string::npos) return invalid();
  const auto start = MinuteOfDay(span.substr(0, dash));
  const auto end = MinuteOfDay(span.substr(dash + 1));
  if (!start || !end) return invalid();
  hvr::WorkHours hours;
  hours.start = std::chrono::minutes(*start);
  hours.end = std::chrono::minutes(*end);
  if (at == std::string::npos) return hours;
  hours.days.fill(false);
  std::stringstream days(text.substr(at + 1));
  std::string item;
  while (std::getline(days, item, ',')) {
    const size_t to = item.find('-');
    const auto first = DayOfWeek(item.substr(0, to));
    const auto last = to == std::string::npos ? first : DayOfWeek(item.substr(to + 1));
    if (!first || !last || *last < *first) return invalid();
    for (size_t d = *first; d <= *last; ++d) hours.days[d] = true;
  }
  if (item.empty()) return invalid();  // nothing after the @
  return hours;
}

std::string HumanSize(uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return buf;
}

std::string HumanSeconds(std::chrono::nanoseconds elapsed) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", std::chrono::duration<double>(elapsed).count());
  return buf;
}

std::string HumanRate(uint64_t bytes, std::chrono::nanoseconds elapsed) {
  const double seconds = std::max(1e-9, std::chrono::duration<double>(elapsed).count());
  return HumanSize(static_cast<uint64_t>(static_cast<double>(bytes) / seconds)) + "/s";
}

hvr::ProgressFn ProgressBar::fn() {
  return [this](uint64_t done, uint64_t total) { Draw(done, total, false); };
}

void ProgressBar::Finish(uint64_t total) { Draw(total, total, true); }

bool ProgressBar::StderrIsTerminal() { return hvr::IsTerminal(hvr::StandardStream::kError); }
bool ProgressBar::StdoutIsTerminal() { return hvr::IsTerminal(hvr::StandardStream::kOutput); }

void ProgressBar::Draw(uint64_t done, uint64_t total, bool last) {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  if (finished_) return;
  // Reaching the total ends the bar whether or not Finish is called.
  last = last || done >= total;
  finished_ = last;
  const auto now = std::chrono::steady_clock::now();
  if (!last && drawn_any_ && now - drawn_ < std::chrono::milliseconds(200)) return;
  drawn_ = now;
  drawn_any_ = true;
  constexpr int kWidth = 30;
  const double fraction =
      total == 0 ? 1.0 : std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
  std::string bar(static_cast<size_t>(fraction * kWidth), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r%s [%s] %3d%% %s / %s   ", label_.c_str(), bar.c_str(),
               static_cast<int>(fraction * 100), HumanSize(done).c_str(), HumanSize(total).c_str());
  if (last) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace hvrepl
