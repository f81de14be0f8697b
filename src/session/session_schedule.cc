// What is due, and running it: the rules (the schedule, the resync window, the retry
// policy's back-off; docs/retry-policy.md) are NextDueOf's, in session_status.cc.
#include "session/session_impl.hpp"
#include "session/session_status.hpp"

namespace hvr {
std::optional<TimePoint> Session::NextDue() const { return impl_->NextDue(); }

std::optional<TimePoint> Session::Impl::NextDue() const {
  // Protection was removed: nothing more is due.
  if (removed) return std::nullopt;
  return NextDueOf(Snapshot(), SettingsNow(), clock.Now());
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
