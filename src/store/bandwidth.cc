#include "hvr/bandwidth.hpp"

namespace hvr {

BandwidthSchedule BandwidthSchedule::Constant(uint64_t bytes_per_second) {
  BandwidthSchedule schedule;
  schedule.work_bytes_per_second = bytes_per_second;
  schedule.non_work_bytes_per_second = bytes_per_second;
  return schedule;
}

uint64_t BandwidthSchedule::RateAt(TimePoint t) const {
  return IsWorkTime(t) ? work_bytes_per_second : non_work_bytes_per_second;
}

BandwidthLimiter::BandwidthLimiter(BandwidthSchedule schedule, const Clock& clock)
    : schedule_(std::move(schedule)), clock_(clock) {}

std::pair<std::chrono::steady_clock::time_point, std::chrono::steady_clock::time_point> BandwidthLimiter::Book(
    uint64_t bytes) {
  using namespace std::chrono;
  const uint64_t rate = schedule_.RateAt(clock_.Now());
  std::lock_guard lock(mu_);
  bytes_booked_ += bytes;
  const auto now = steady_clock::now();
  if (rate == 0) {
    next_free_ = now;
    return {now, now};
  }
  // Idle time earns at most kBurst of credit.
  if (next_free_ < now - kBurst) next_free_ = now - duration_cast<steady_clock::duration>(kBurst);
  const auto start = next_free_;
  const double seconds = static_cast<double>(bytes) / static_cast<double>(rate);
  next_free_ += duration_cast<steady_clock::duration>(duration<double>(seconds));
  return {start, next_free_};
}

uint64_t BandwidthLimiter::bytes_booked() const {
  std::lock_guard lock(mu_);
  return bytes_booked_;
}

namespace {

Duration Until(std::chrono::steady_clock::time_point when) {
  const auto now = std::chrono::steady_clock::now();
  return when <= now ? Duration::zero() : std::chrono::duration_cast<Duration>(when - now);
}

}  // namespace

Duration BandwidthLimiter::Reserve(uint64_t bytes) { return Until(Book(bytes).first); }

Duration BandwidthLimiter::ReserveUntilSent(uint64_t bytes) { return Until(Book(bytes).second); }

}  // namespace hvr
