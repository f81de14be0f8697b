#include "hvr/clock.hpp"

namespace hvr {

int64_t ToUnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::optional<TimePoint> FromUnixSeconds(int64_t unix_seconds) {
  using std::chrono::seconds;
  constexpr auto kMax = std::chrono::duration_cast<seconds>(Duration::max()).count();
  constexpr auto kMin = std::chrono::duration_cast<seconds>(Duration::min()).count();
  if (unix_seconds > kMax || unix_seconds < kMin) return std::nullopt;
  return TimePoint(std::chrono::duration_cast<Duration>(seconds(unix_seconds)));
}

const SystemClock& SystemClock::Instance() {
  static const SystemClock clock;
  return clock;
}

TimePoint ManualClock::Now() const {
  std::lock_guard lock(mu_);
  return now_;
}

void ManualClock::Set(TimePoint t) {
  std::lock_guard lock(mu_);
  now_ = t;
}

void ManualClock::Advance(Duration d) {
  std::lock_guard lock(mu_);
  now_ += d;
}

}  // namespace hvr
