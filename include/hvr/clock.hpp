// Time as the engine sees it. Everything that schedules (retry, RPO, resync windows,
// recovery-point retention) asks a Clock, so tests can move time by hand.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace hvr {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;

// Whole seconds since 1970-01-01 UTC, the form times take in files, metadata and the C API.
int64_t ToUnixSeconds(TimePoint t);
// Empty when the clock cannot hold the time (its ticks are nanoseconds: about years 1678 to
// 2262), so a number read from a file or a caller never overflows into some other time.
std::optional<TimePoint> FromUnixSeconds(int64_t seconds);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The wall clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  // One shared instance: it has no state.
  static const SystemClock& Instance();
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{}) : now_(start) {}
  TimePoint Now() const override;
  void Set(TimePoint t);
  void Advance(Duration d);

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

}  // namespace hvr
