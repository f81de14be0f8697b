#include "hvr/bandwidth.hpp"

#include <ctime>

namespace hvr {
namespace {

// Day of week (0 = Sunday) and minute of day of `t` in the schedule's local time.
std::pair<int, int> LocalDayAndMinute(TimePoint t, const std::optional<std::chrono::minutes>& offset) {
  std::tm tm{};
  if (offset) {
    const std::time_t shifted = std::chrono::system_clock::to_time_t(t + *offset);
    gmtime_r(&shifted, &tm);
  } else {
    const std::time_t now = std::chrono::system_clock::to_time_t(t);
    localtime_r(&now, &tm);
  }
  return {tm.tm_wday, tm.tm_hour * 60 + tm.tm_min};
}

}  // namespace

BandwidthSchedule BandwidthSchedule::Constant(uint64_t bytes_per_second) {
  BandwidthSchedule schedule;
  schedule.work_bytes_per_second = bytes_per_second;
  schedule.non_work_bytes_per_second = bytes_per_second;
  return schedule;
}

Status BandwidthSchedule::Validate() const {
  const auto day = std::chrono::minutes(24 * 60);
  if (work_start < std::chrono::minutes(0) || work_end > day || work_start >= work_end) {
    return Error(Code::kInvalidArgument,
                 "bandwidth schedule: work hours must start before they end, within one day "
                 "(start " + std::to_string(work_start.count()) + " min, end " +
                     std::to_string(work_end.count()) + " min)");
  }
  if (utc_offset && (*utc_offset < std::chrono::minutes(-14 * 60) ||
                     *utc_offset > std::chrono::minutes(14 * 60))) {
    return Error(Code::kInvalidArgument, "bandwidth schedule: UTC offset beyond +-14 hours");
  }
  return Ok();
}

bool BandwidthSchedule::IsWorkTime(TimePoint t) const {
  const auto [day, minute] = LocalDayAndMinute(t, utc_offset);
  return work_days[static_cast<size_t>(day)] && minute >= work_start.count() &&
         minute < work_end.count();
}

uint64_t BandwidthSchedule::RateAt(TimePoint t) const {
  return IsWorkTime(t) ? work_bytes_per_second : non_work_bytes_per_second;
}

BandwidthLimiter::BandwidthLimiter(BandwidthSchedule schedule, const Clock& clock)
    : schedule_(std::move(schedule)), clock_(clock) {}

Duration BandwidthLimiter::Reserve(uint64_t bytes) {
  using namespace std::chrono;
  const uint64_t rate = schedule_.RateAt(clock_.Now());
  std::lock_guard lock(mu_);
  const auto now = steady_clock::now();
  if (rate == 0) {
    next_free_ = now;
    return Duration::zero();
  }
  // Idle time earns at most kBurst of credit.
  if (next_free_ < now - kBurst) next_free_ = now - duration_cast<steady_clock::duration>(kBurst);
  const auto start = next_free_;
  const double seconds = static_cast<double>(bytes) / static_cast<double>(rate);
  next_free_ += duration_cast<steady_clock::duration>(duration<double>(seconds));
  if (start <= now) return Duration::zero();
  return duration_cast<Duration>(start - now);
}

}  // namespace hvr
