// What is due: the schedule (one delta cycle per interval), the resync window, and the
// retry policy's back-off after failures (docs/retry-policy.md).
#include "session/session_impl.hpp"

namespace hvr {
namespace {

// When the retry policy allows the next attempt; nullopt while not failing.
std::optional<TimePoint> RetryAt(const SessionState& s, Duration interval) {
  if (!s.failure) return std::nullopt;
  const RetryDecision decision = RetryPolicy().Next(*s.failure, interval);
  if (decision.action != RetryAction::kRetry) return std::nullopt;
  return decision.at;
}

}  // namespace

std::optional<TimePoint> Session::NextDue() const { return impl_->NextDue(); }

std::optional<TimePoint> Session::Impl::NextDue() const {
  const SessionState s = Snapshot();
  const ProtectionSettings current = SettingsNow();
  const TimePoint now = clock.Now();
  const Duration interval = IntervalDuration(current.interval);
  // An operator must act first: a critical error, a suspension, a removal half done; or
  // protection was removed.
  if (removed || s.critical || s.suspended_since || s.removing) return std::nullopt;
  std::optional<TimePoint> due;
  switch (s.state) {
    case ReplicationState::kEnabled:
    case ReplicationState::kInitialReplication:
    case ReplicationState::kResynchronizing:
    case ReplicationState::kFailingOver:  // an interrupted failover finishes first
      due = now;
      break;
    case ReplicationState::kResyncRequired:
      if (s.resync_by_hand) {
        due = now;
      } else if (current.resync.automatic) {
        due = current.resync.office_hours.NextOutside(now);
      }
      break;
    case ReplicationState::kReplicating:
      due = s.last_cycle ? *s.last_cycle + interval : now;
      break;
    default:
      return std::nullopt;  // failed over: nothing replicates by itself
  }
  if (auto retry = RetryAt(s, interval)) due = due ? std::max(*due, *retry) : *retry;
  if (due && *due < now) due = now;
  return due;
}

Result<bool> Session::RunDue(const CancelToken* cancel) {
  // Before the read-only check: removing the directory let go of its lock.
  if (impl_->removed) return false;
  if (impl_->dir.read_only()) return Error(Code::kConflict, "the session was opened read-only");
  impl_->AnnounceHealth();  // the RPO grows between commits
  // Requests other processes left come first; what is due is looked at on the next call.
  HVR_ASSIGN_OR_RETURN(const bool served, ServeRequests());
  if (served) return true;
  const auto due = NextDue();
  if (!due || *due > impl_->clock.Now()) return false;
  // The attempt's failure is recorded (status, retry history); RunDue reports only that
  // something ran.
  switch (impl_->Snapshot().state) {
    case ReplicationState::kEnabled:
    case ReplicationState::kInitialReplication:
      (void)ReplicateInitially(cancel);
      return true;
    case ReplicationState::kResyncRequired:
    case ReplicationState::kResynchronizing:
      (void)Resynchronize(cancel);
      return true;
    case ReplicationState::kReplicating:
      (void)RunCycle(cancel);
      return true;
    case ReplicationState::kFailingOver:
      (void)Failover();
      return true;
    default:
      return false;
  }
}

}  // namespace hvr
