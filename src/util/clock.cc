#include "hvr/clock.hpp"

namespace hvr {

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
