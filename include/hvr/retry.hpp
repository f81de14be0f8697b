// The retry policy of a failing VM, as docs/retry-policy.md explains it:
// after a failure at t0, retry n (n = 0, 1, ...) runs at the first replication tick
// t0 + k*interval (k >= 1) that is not earlier than t0 + offset(n) and is later than the
// previous attempt. The default offsets are 1, 2, 4, 8 and 10 minutes, then every
// 30 minutes (40, 70, 100...). Non-recoverable errors never retry; errors that
// invalidate change tracking ask for a resync instead.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"

namespace hvr {

struct RetrySchedule {
  // Offsets from the first failed attempt, strictly increasing, at least one.
  std::vector<std::chrono::seconds> backoff = {std::chrono::minutes(1), std::chrono::minutes(2),
                                               std::chrono::minutes(4), std::chrono::minutes(8),
                                               std::chrono::minutes(10)};
  // Spacing of the offsets after the last backoff entry, while the error persists.
  std::chrono::seconds steady_interval = std::chrono::minutes(30);
};

// A run of consecutive failed attempts of one VM. Cleared by the next success.
struct FailureHistory {
  TimePoint first_failure;  // start of the first failed attempt (t0)
  TimePoint last_attempt;   // start of the most recent failed attempt
  int retries = 0;          // failed attempts after the first one
  Error last_error{Code::kOk, {}};

  // kInvalidArgument, naming the field, unless retries is not negative, the last attempt
  // is not before the first failure and last_error is an error: what Next needs of a run.
  Status Validate() const;
};

enum class RetryAction {
  kRetry,   // try again at `at`
  kGiveUp,  // non-recoverable: an administrator must act (health Critical)
  kResync,  // change tracking is broken: resynchronize instead of retrying
};

struct RetryDecision {
  RetryAction action;
  TimePoint at;  // meaningful for kRetry only
};

class RetryPolicy {
 public:
  RetryPolicy() = default;  // the default schedule
  // Validates the schedule: non-empty, positive, strictly increasing offsets, and a
  // positive steady interval.
  static Result<RetryPolicy> Create(RetrySchedule schedule);

  const RetrySchedule& schedule() const { return schedule_; }

  // The replication intervals Next takes: a second to a day.
  static constexpr std::chrono::seconds kMinInterval{1};
  static constexpr std::chrono::seconds kMaxInterval = std::chrono::hours(24);
  // kInvalidArgument naming the range unless kMinInterval <= interval <= kMaxInterval.
  static Status ValidateInterval(std::chrono::seconds interval);

  // Offset from t0 before which retry n (0-based) must not run.
  std::chrono::seconds Offset(int retry_index) const;

  // What to do after `history`, with replication ticks every `interval` from t0. Both
  // must be valid (FailureHistory::Validate, ValidateInterval); callers that take them
  // from outside the library check them first.
  RetryDecision Next(const FailureHistory& history, Duration interval) const;

  // Adds a failed attempt that started at `attempt_start` to `history` (starting a run
  // when there is none). An attempt that started before the retry was due (one an
  // operator ran by hand between the scheduled ones) is remembered as the latest error
  // but neither counts as a retry nor moves the schedule: twelve impatient runs in a
  // minute must not push the next scheduled one hours away.
  void RecordFailure(std::optional<FailureHistory>& history, const Error& error, TimePoint attempt_start,
                     Duration interval) const;

 private:
  explicit RetryPolicy(RetrySchedule schedule) : schedule_(std::move(schedule)) {}
  RetrySchedule schedule_;
};

// The failure history of one VM kept against a clock: the piece a session asks
// "should I run now?". Not thread-safe; one per VM, owned by its session.
class RetryTracker {
 public:
  RetryTracker(RetryPolicy policy, const Clock& clock, Duration interval)
      : policy_(std::move(policy)), clock_(&clock), interval_(interval) {}

  // Records the outcome of an attempt that started at `attempt_start`.
  void RecordFailure(const Error& error, TimePoint attempt_start);
  void RecordSuccess() { history_.reset(); }

  bool failing() const { return history_.has_value(); }
  const std::optional<FailureHistory>& history() const { return history_; }

  // The decision for the current failure run; kRetry "now" when not failing.
  RetryDecision Next() const;
  // True when an attempt may start at the clock's current time.
  bool Due() const;

 private:
  RetryPolicy policy_;
  const Clock* clock_;
  Duration interval_;
  std::optional<FailureHistory> history_;
};

}  // namespace hvr
