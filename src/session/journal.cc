#include "session/journal.hpp"

namespace hvr {

Journal::Journal(StateDir& dir, SessionState state, Observer observer)
    : dir_(dir), observer_(std::move(observer)), state_(std::move(state)) {}

SessionState Journal::Snapshot() const {
  std::lock_guard lock(mu_);
  if (dir_.read_only()) {
    if (auto fresh = dir_.LoadState(); fresh.ok()) {
      // As a running session would have it: a disk removal a crash cut short is finished
      // as far as the state shows.
      LeaveOutRemovedDisk(*fresh);
      state_ = std::move(*fresh);
    }
  }
  return state_;
}

Status Journal::Commit(const std::function<void(SessionState&)>& change) {
  SessionState next = Snapshot();
  const SessionState before = next;
  change(next);
  HVR_RETURN_IF_ERROR(dir_.SaveState(next));
  {
    std::lock_guard lock(mu_);
    state_ = next;
  }
  if (observer_) observer_(before, next);
  return Ok();
}

}  // namespace hvr
