#include "hvr/retry.hpp"

#include <string>

namespace hvr {

Status FailureHistory::Validate() const {
  if (retries < 0) {
    return Error(Code::kInvalidArgument, "failure history: retries must be 0 or more, not " + std::to_string(retries));
  }
  if (last_attempt < first_failure) {
    return Error(Code::kInvalidArgument, "failure history: last_attempt is before first_failure");
  }
  if (last_error.code() == Code::kOk) return Error(Code::kInvalidArgument, "failure history: last_error is not an error");
  return Ok();
}

Status RetryPolicy::ValidateInterval(std::chrono::seconds interval) {
  if (interval >= kMinInterval && interval <= kMaxInterval) return Ok();
  return Error(Code::kInvalidArgument, "retry policy: the replication interval must be " +
                                           std::to_string(kMinInterval.count()) + " to " +
                                           std::to_string(kMaxInterval.count()) + " seconds, not " +
                                           std::to_string(interval.count()));
}

Result<RetryPolicy> RetryPolicy::Create(RetrySchedule schedule) {
  if (schedule.backoff.empty()) {
    return Error(Code::kInvalidArgument, "retry schedule: backoff needs at least one offset");
  }
  std::chrono::seconds previous{0};
  for (size_t i = 0; i < schedule.backoff.size(); ++i) {
    if (schedule.backoff[i] <= previous) {
      return Error(Code::kInvalidArgument,
                   "retry schedule: backoff[" + std::to_string(i) + "] = " +
                       std::to_string(schedule.backoff[i].count()) +
                       " s must be positive and greater than the offset before it");
    }
    previous = schedule.backoff[i];
  }
  if (schedule.steady_interval.count() <= 0) {
    return Error(Code::kInvalidArgument, "retry schedule: steady interval must be positive");
  }
  return RetryPolicy(std::move(schedule));
}

std::chrono::seconds RetryPolicy::Offset(int retry_index) const {
  const auto& backoff = schedule_.backoff;
  const auto n = static_cast<size_t>(retry_index < 0 ? 0 : retry_index);
  if (n < backoff.size()) return backoff[n];
  const auto beyond = static_cast<std::chrono::seconds::rep>(n - backoff.size() + 1);
  return backoff.back() + beyond * schedule_.steady_interval;
}

RetryDecision RetryPolicy::Next(const FailureHistory& history, Duration interval) const {
  switch (history.last_error.error_class()) {
    case ErrorClass::kNonRecoverable:
      return {RetryAction::kGiveUp, {}};
    case ErrorClass::kResyncRequired:
      return {RetryAction::kResync, {}};
    case ErrorClass::kNone:
    case ErrorClass::kRecoverable:
      break;
  }
  const TimePoint t0 = history.first_failure;
  const TimePoint not_before = t0 + Offset(history.retries);
  // First tick t0 + k*interval (k >= 1) at or after `not_before`...
  const Duration wait = not_before - t0;
  auto k = (wait + interval - Duration(1)) / interval;
  if (k < 1) k = 1;
  TimePoint at = t0 + k * interval;
  // ...and after the previous attempt: one attempt per tick.
  if (at <= history.last_attempt) {
    const auto ticks_done = (history.last_attempt - t0) / interval;
    at = t0 + (ticks_done + 1) * interval;
  }
  return {RetryAction::kRetry, at};
}

void RetryPolicy::RecordFailure(std::optional<FailureHistory>& history, const Error& error, TimePoint attempt_start,
                                Duration interval) const {
  if (!history) {
    history = FailureHistory{attempt_start, attempt_start, 0, error};
    return;
  }
  const RetryDecision due = Next(*history, interval);
  history->last_error = error;
  if (due.action == RetryAction::kRetry && attempt_start < due.at) return;  // an extra attempt
  history->last_attempt = attempt_start;
  history->retries += 1;
}

void RetryTracker::RecordFailure(const Error& error, TimePoint attempt_start) {
  policy_.RecordFailure(history_, error, attempt_start, interval_);
}

RetryDecision RetryTracker::Next() const {
  if (!history_) return {RetryAction::kRetry, clock_->Now()};
  return policy_.Next(*history_, interval_);
}

bool RetryTracker::Due() const {
  const RetryDecision decision = Next();
  return decision.action == RetryAction::kRetry && decision.at <= clock_->Now();
}

}  // namespace hvr
