// Operations beside a running replication: what other processes ask of the one holding
// the state directory (a resync, a reset of the statistics, a failover, and an operator's
// change, suspension, resumption or removal), which it runs at its next step; and the
// asking side of those an operator runs on a read-only session (docs/session.md "Beside a
// running replication").
#include "session/session_impl.hpp"

namespace hvr {
namespace {

// Runs `request` on `session`, which holds its directory, through the call it names.
Status RunOperatorRequest(Session& session, const OperatorRequest& request) {
  switch (request.operation) {
    case OperatorOperation::kChangeSettings:
      return session.ChangeSettings(request.change);
    case OperatorOperation::kRemoveDisk:
      return session.RemoveDisk(request.disk, request.remove_disk);
    case OperatorOperation::kAddDisk:
      return session.AddDisk(request.add_disk);
    case OperatorOperation::kSuspend:
      return session.Suspend();
    case OperatorOperation::kResume:
      return session.Resume();
    case OperatorOperation::kUnprotect:
      break;  // the caller's: it ends the session
  }
  return Error(Code::kInternal, "operator request '" + request.Describe() + "' reached the wrong handler");
}

}  // namespace

Result<bool> Session::ServeRequests() {
  Impl& s = *impl_;
  // Before the read-only check: removing the directory let go of its lock.
  if (s.removed) return false;
  if (s.dir.read_only()) return Error(Code::kConflict, "the session was opened read-only");
  HVR_ASSIGN_OR_RETURN(const bool reset, s.dir.TakeStatisticsReset());
  if (reset) HVR_RETURN_IF_ERROR(ResetStatistics());
  HVR_ASSIGN_OR_RETURN(const std::optional<ResyncRequest> resync, s.dir.TakeResyncRequest());
  if (resync) {
    const ReplicationState st = s.Snapshot().state;
    if (st == ReplicationState::kReplicating || st == ReplicationState::kResyncRequired) {
      HVR_RETURN_IF_ERROR(s.MarkForResync(resync->reason, true, resync->verify_replica));
    }
  }
  bool ran = false;
  HVR_ASSIGN_OR_RETURN(const std::vector<OperatorRequest> requests, TakeOperatorRequests(s.dir));
  for (const OperatorRequest& request : requests) {
    // Taken before it runs: a crash here leaves its asker to run it (it repeats safely).
    HVR_RETURN_IF_ERROR(RemoveOperatorRequest(s.dir, request.name));
    ran = true;
    if (request.operation != OperatorOperation::kUnprotect) {
      HVR_RETURN_IF_ERROR(AnswerOperatorRequest(s.dir, request.name, RunOperatorRequest(*this, request)));
      continue;
    }
    Status removed = s.RemoveProtection(request.unprotect);
    // Its asker sees the directory go; the answer it would have read goes with it.
    if (removed.ok()) removed = s.dir.Remove();
    if (removed.ok()) {
      s.removed = true;
      if (s.options.log) s.options.log(LogLevel::kInfo, "VM '" + s.settings.vm_name + "': protection removed");
      return true;
    }
    HVR_RETURN_IF_ERROR(AnswerOperatorRequest(s.dir, request.name, removed));
  }
  // A failover asked for runs now, whatever is due, and its asker hears how it ended.
  HVR_ASSIGN_OR_RETURN(const std::optional<FailoverRequest> failover, s.dir.TakeFailoverRequest());
  if (failover) {
    const auto done = Failover(failover->options);
    HVR_RETURN_IF_ERROR(s.dir.AnswerFailoverRequest(failover->id, done.ok() ? Ok() : Status(done.error())));
    ran = true;
  }
  return ran;
}

bool Session::removed() const { return impl_->removed; }

Status Session::Impl::AskOrRun(const OperatorRequest& request) {
  for (;;) {
    HVR_ASSIGN_OR_RETURN(const std::optional<Status> answer, AskHolder(dir, request));
    if (answer) return *answer;
    // No process holds the directory (any longer): this one runs the operation, on a
    // session of its own that holds the directory while it runs.
    auto opened = StateDir::Open(dir.path(), false, false);
    if (!opened.ok() && opened.error().code() == Code::kConflict) continue;  // one started meanwhile: ask it
    if (!opened.ok()) return std::move(opened).error();
    HVR_ASSIGN_OR_RETURN(auto impl, Load(engine, std::move(*opened), options, false, true));
    Session own(std::move(impl));
    return RunOperatorRequest(own, request);
  }
}

}  // namespace hvr
