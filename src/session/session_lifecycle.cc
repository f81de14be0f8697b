// The life of a protection between protect and failover: changing its settings,
// suspending and resuming it, removing it (docs/session.md "Changing, suspending,
// removing"). Each is a job, and each repeats safely after a crash.
#include <algorithm>
#include <boost/asio/use_future.hpp>
#include <set>

#include "hvr/change_tracker.hpp"
#include "session/log_shipping.hpp"
#include "session/replica_mirror.hpp"
#include "session/session_impl.hpp"
#include "session/settings_change_fields.hpp"
#include "store/store_target.hpp"
#include "store/time_text.hpp"

namespace hvr {
namespace {

using boost::asio::use_future;

// The names of the settings `change` gives, for the job's summary.
std::string ChangedNames(const SettingsChange& change) {
  std::string names;
  for (const SettingsChangeField& field : kSettingsChangeFields) {
    if (field.given(change)) names += (names.empty() ? "" : ", ") + std::string(field.words);
  }
  return names;
}

// Proves that `store`, reached with a new credential, is the protection's: listing it
// shows every replica disk. A wrong key or an expired SAS fails here, before anything
// is saved.
Status ProveTarget(ReplicaStore& store, const SessionState& state) {
  HVR_ASSIGN_OR_RETURN(const auto disks, store.AsyncListDisks(use_future).get());
  for (const DiskState& d : state.disks) {
    const bool there = std::any_of(disks.begin(), disks.end(), [&](const DiskProperties& p) { return p.name == d.replica; });
    if (!there) {
      return Error(Code::kNotFound, "replica disk '" + d.replica + "' is not in " + store.description() +
                                        " as the new credential reaches it");
    }
  }
  return Ok();
}

// The replicas of `state` another agent adopted (hvrepl adopt on another host or state
// directory): their metadata names another owner. They are that agent's now; removing
// protection here leaves them alone. A replica that is gone is no one's.
Result<std::set<std::string>> AdoptedElsewhere(ReplicaStore& store, const SessionState& state) {
  std::set<std::string> adopted;
  for (const DiskState& d : state.disks) {
    auto replica = store.AsyncGetDisk(d.replica, use_future).get();
    if (!replica.ok() && replica.error().code() == Code::kNotFound) continue;
    if (!replica.ok()) return std::move(replica).error();
    if (!RequireOwner(d.replica, replica->metadata, state.owner).ok()) adopted.insert(d.replica);
  }
  return adopted;
}

std::string JoinNames(const std::set<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "'" : ", '") + name + "'";
  return joined;
}

}  // namespace

Status Session::ChangeSettings(const SettingsChange& change) {
  HVR_RETURN_IF_ERROR(change.Validate());
  Impl& s = *impl_;
  if (s.dir.read_only()) {
    OperatorRequest request = OperatorRequest::Make(OperatorOperation::kChangeSettings);
    request.change = change;
    return s.AskOrRun(request);
  }
  return s.RunJob(JobType::kChangeSettings, false, [&](RunningJob& job) -> Status {
    job.Step("check the settings");
    const SessionState state = s.Snapshot();
    if (state.removing || state.state == ReplicationState::kFailingOver) {
      return Error(Code::kInvalidReplicaState, "VM '" + s.settings.vm_name + "': its settings cannot change while " +
                                                   (state.removing ? "protection is being removed" : "it fails over"));
    }
    const ProtectionSettings next = change.ApplyTo(s.settings);
    HVR_RETURN_IF_ERROR(ValidateSettings(next));
    const bool new_target = next.target != s.settings.target;
    if (new_target) {
      job.Step("check the new credential");
      HVR_ASSIGN_OR_RETURN(const StoreTarget was, ParseStoreTarget(s.settings.target));
      HVR_ASSIGN_OR_RETURN(const StoreTarget now, ParseStoreTarget(next.target));
      if (!SameStorage(was, now)) {
        return Error(Code::kInvalidArgument, "the new target names other storage than " + s.store->description() +
                                                 ": only the credential of a protection's target can change");
      }
      HVR_RETURN_IF_ERROR(CheckTargetGrants(now, kReplicationPermissions));
    }
    // A store of its own when the bandwidth or requests in flight change too.
    HVR_ASSIGN_OR_RETURN(const std::shared_ptr<ReplicaStore> store, StoreFor(s.engine, next, s.options));
    if (new_target) HVR_RETURN_IF_ERROR(ProveTarget(*store, state));

    job.Step("save the settings");
    HVR_RETURN_IF_ERROR(s.dir.SaveSettings(next));
    // The old keeper releases the leases through the store it took them with; the next
    // operation takes them again under the same lease id (this agent's, for this directory).
    s.leases.reset();
    {
      std::lock_guard lock(s.settings_mu);
      s.settings = next;
      s.store = store;
    }
    HVR_RETURN_IF_ERROR(s.StartLeases());
    // The credential the authorisation failed with is replaced by one just proven.
    if (new_target && state.critical && state.critical->code() == Code::kAuthFailed) {
      HVR_RETURN_IF_ERROR(s.Commit([](SessionState& st) { st.critical.reset(); }));
      job.Note("cleared: " + state.critical->ToString());
    }
    job.Summary("changed " + (change.empty() ? std::string("nothing") : ChangedNames(change)));
    return Ok();
  });
}

Status Session::Suspend() {
  Impl& s = *impl_;
  if (s.dir.read_only()) return s.AskOrRun(OperatorRequest::Make(OperatorOperation::kSuspend));
  return s.RunJob(JobType::kSuspend, false, [&](RunningJob& job) -> Status {
    const SessionState state = s.Snapshot();
    if (state.removing || !ReplicatesByItself(state.state)) {
      return Error(Code::kInvalidReplicaState,
                   "VM '" + s.settings.vm_name + "': only replication can be suspended (it is " +
                       (state.removing ? std::string("being removed") : ReplicationStateName(state.state)) + ")");
    }
    if (state.suspended_since) {
      job.Summary("suspended already, since " + FormatUtcSeconds(*state.suspended_since));
      return Ok();
    }
    HVR_RETURN_IF_ERROR(s.Commit([&](SessionState& st) { st.suspended_since = s.clock.Now(); }));
    job.Summary("suspended: the host's logs accumulate, nothing is sent until resumed");
    return Ok();
  });
}

Status Session::Resume() {
  Impl& s = *impl_;
  if (s.dir.read_only()) return s.AskOrRun(OperatorRequest::Make(OperatorOperation::kResume));
  return s.RunJob(JobType::kResume, false, [&](RunningJob& job) -> Status {
    const SessionState state = s.Snapshot();
    if (state.removing) {
      return Error(Code::kInvalidReplicaState,
                   "VM '" + s.settings.vm_name + "': protection is being removed; run unprotect again to finish");
    }
    std::string summary;
    if (state.suspended_since && state.state == ReplicationState::kReplicating) {
      // Logs that grew past half a disk cost more to ship than resending what differs;
      // the operator is here, so the resync need not wait for its window.
      job.Step("measure the logs written while suspended");
      for (size_t i = 0; i < state.disks.size(); ++i) {
        PendingLogs logged;
        HVR_ASSIGN_OR_RETURN(logged.bytes, UnshippedLogBytes(s.settings.disks[i], state.disks[i]));
        if (Status volume = CheckLogVolume(logged, state.disks[i].replica_size); !volume.ok()) {
          HVR_RETURN_IF_ERROR(s.MarkForResync(volume.error().message(), true));
          summary = "resync: " + volume.error().message();
          break;
        }
      }
    }
    const bool cleared = state.critical.has_value() || state.failure.has_value();
    HVR_RETURN_IF_ERROR(s.Commit([](SessionState& st) {
      st.suspended_since.reset();
      st.critical.reset();
      st.failure.reset();
    }));
    if (summary.empty()) summary = state.suspended_since ? "resumed: the logs ship at the next cycle" : "resumed";
    if (cleared) summary += "; error cleared";
    job.Summary(summary);
    return Ok();
  });
}

Status Session::Unprotect(Engine& engine, const std::string& state_dir, const UnprotectOptions& options,
                          SessionOptions session_options) {
  HVR_RETURN_IF_ERROR(ValidateSessionOptions(session_options));
  for (;;) {
    auto opened = StateDir::Open(state_dir, false, false);
    if (!opened.ok() && opened.error().code() == Code::kConflict) {
      // A running replication holds it: it removes the protection at its next step.
      HVR_ASSIGN_OR_RETURN(const StateDir watched, StateDir::Open(state_dir, false, true));
      OperatorRequest request = OperatorRequest::Make(OperatorOperation::kUnprotect);
      request.unprotect = options;
      HVR_ASSIGN_OR_RETURN(const std::optional<Status> answer, AskHolder(watched, request));
      if (answer) return *answer;
      continue;  // it stopped first: this process removes it
    }
    if (!opened.ok()) return std::move(opened).error();
    StateDir dir = std::move(*opened);
    // A removal a crash stopped after the relationship was gone: only the folder is left.
    if (dir.Emptied()) return dir.Remove();
    if (!dir.HasRelationship()) return Error(Code::kNotFound, "state directory " + state_dir + " protects no VM");
    HVR_ASSIGN_OR_RETURN(auto impl, Impl::Load(engine, std::move(dir), std::move(session_options), false, false));
    HVR_RETURN_IF_ERROR(impl->RemoveProtection(options));
    return impl->dir.Remove();
  }
}

Status Session::Impl::RemoveProtection(const UnprotectOptions& removal) {
  Impl& s = *this;
  HVR_RETURN_IF_ERROR(s.RunJob(JobType::kRemoveProtection, false, [&](RunningJob& job) -> Status {
    job.Step("check who owns the replicas");
    HVR_ASSIGN_OR_RETURN(const std::set<std::string> adopted, AdoptedElsewhere(*s.store, s.Snapshot()));
    if (!adopted.empty() && removal.delete_replicas) {
      return Error(Code::kConflict, "VM '" + s.settings.vm_name + "': replica disks " + JoinNames(adopted) +
                                        " belong to the agent that adopted them (hvrepl adopt), not to this state "
                                        "directory: they are not deleted from here, and nothing was removed; "
                                        "without --delete-replicas unprotect removes what is this host's");
    }
    HVR_RETURN_IF_ERROR(s.Commit([&](SessionState& st) {
      st.removing = true;
      // Replicas adopted elsewhere are never deleted, whatever an earlier attempt asked.
      st.removing_replicas = adopted.empty() && (st.removing_replicas || removal.delete_replicas);
    }));
    const SessionState current = s.Snapshot();
    job.Step("release leases");
    for (const DiskState& d : current.disks) {
      if (adopted.count(d.replica)) continue;  // its lease is the adopter's
      // Another agent's lease stops the removal here.
      HVR_RETURN_IF_ERROR(s.ReleaseLease(d.replica));
    }
    // A disk being added has a replica and may have the host's checkpoint.
    if (const auto& added = current.disk_addition) HVR_RETURN_IF_ERROR(s.ReleaseLease(added->state.replica));
    // Taken, given up, or asked for with no answer recorded (a kill between the two): the
    // host may hold it whichever, and merging none is nothing to it.
    if (MayHoldCheckpoint(current)) {
      job.Step("merge checkpoint");
      HVR_RETURN_IF_ERROR(s.host.MergeCheckpoint(s.VmWithAddedDisk()));
    }
    // A disk being added is tracked from its checkpoint on, and has logs, like the others.
    job.Step("stop tracking");
    HVR_RETURN_IF_ERROR(s.host.StopTracking(s.VmWithAddedDisk()));
    job.Step("delete tracking logs");
    std::vector<DiskSpec> tracked_disks = s.settings.disks;
    if (current.disk_addition) tracked_disks.push_back(current.disk_addition->disk);
    size_t logs = 0;
    for (const DiskSpec& disk : tracked_disks) {
      HVR_ASSIGN_OR_RETURN(const auto tracked, ListTrackedLogs(disk.log_folder, disk.log_name));
      HVR_RETURN_IF_ERROR(DeleteLogs(tracked));
      logs += tracked.size();
    }
    size_t deleted = 0;
    if (current.removing_replicas) {
      job.Step("delete replica disks");
      // The replicas and what failovers made of them all carry the VM's id.
      std::set<std::string> ours;
      for (const DiskState& d : current.disks) ours.insert(d.replica);
      HVR_ASSIGN_OR_RETURN(const auto disks, s.store->AsyncListDisks(use_future).get());
      for (const DiskProperties& p : disks) {
        const auto id = p.metadata.find("vm_id");
        if (!current.vm_id.IsZero() && id != p.metadata.end() && id->second == current.vm_id.ToString()) ours.insert(p.name);
      }
      for (const std::string& name : ours) {
        HVR_RETURN_IF_ERROR(UnlessNotFound(s.store->AsyncDeleteDisk(name, use_future).get()));
        ++deleted;
      }
    }
    job.Summary(std::to_string(logs) + " tracking logs deleted; " +
                (current.removing_replicas ? std::to_string(deleted) + " disks deleted from "
                 : adopted.empty()
                     ? std::string("replica disks kept in ")
                     : "replica disks " + JoinNames(adopted) + " left to the agent that adopted them, in ") +
                s.store->description());
    return Ok();
  }));
  s.leases.reset();
  return Ok();
}

}  // namespace hvr
