// Bandwidth limits for replication traffic: bytes per second, with a weekly schedule of
// work and non-work hours (administrators give replication less during office hours).
// The limiter is consulted before bytes leave the host, so the limit holds on the wire.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <utility>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/work_hours.hpp"

namespace hvr {

struct BandwidthSchedule {
  // Bytes per second during work hours and outside them; 0 means unlimited.
  uint64_t work_bytes_per_second = 0;
  uint64_t non_work_bytes_per_second = 0;
  // When the work-hours rate applies (09:00-17:00 local, Monday to Friday, by default).
  WorkHours work_hours;

  // The same limit at all hours.
  static BandwidthSchedule Constant(uint64_t bytes_per_second);

  Status Validate() const { return work_hours.Validate("bandwidth schedule"); }
  bool IsWorkTime(TimePoint t) const { return work_hours.Contains(t); }
  // The limit in force at `t`; 0 means unlimited.
  uint64_t RateAt(TimePoint t) const;
};

// A shared budget of bytes per second: every sender asks it before sending, so several
// stores (one per disk, say) can share one limit. Thread-safe.
class BandwidthLimiter {
 public:
  // `clock` decides which hours of the schedule apply and must outlive the limiter.
  explicit BandwidthLimiter(BandwidthSchedule schedule,
                            const Clock& clock = SystemClock::Instance());

  // Books `bytes` on the link and returns how long the caller must wait before sending
  // them (zero when the link is free or unlimited). Senders that book chunks of a few
  // tens of KiB get a smooth rate; a short burst (kBurst worth of bytes) is allowed
  // after idle time.
  Duration Reserve(uint64_t bytes);

  // Books `bytes` and returns how long until they would have left at the limit's rate: for
  // a sender that hands its bytes over at once (a write to a file), which then takes as
  // long as sending them would, its last bytes included.
  Duration ReserveUntilSent(uint64_t bytes);

  const BandwidthSchedule& schedule() const { return schedule_; }

  // Every byte booked so far, whatever the rate: what the senders said they send.
  uint64_t bytes_booked() const;

  static constexpr std::chrono::milliseconds kBurst{100};

 private:
  // Books `bytes`; returns when they may start and when they will have left.
  std::pair<std::chrono::steady_clock::time_point, std::chrono::steady_clock::time_point> Book(uint64_t bytes);

  const BandwidthSchedule schedule_;
  const Clock& clock_;  // picks the hour of the schedule
  mutable std::mutex mu_;
  // When the bytes booked so far will have left at the current rate. Measured on the
  // steady clock, so a wall clock set back cannot stall senders.
  std::chrono::steady_clock::time_point next_free_{};
  uint64_t bytes_booked_ = 0;
};

}  // namespace hvr
