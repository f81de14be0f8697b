// Taking one disk out of a protected VM (docs/session.md "Disks while protected").
//
// The removal is journalled first (SessionState::disk_removal) and cleared last. Between,
// the settings lose the disk, then the state (with the recovery points' snapshots of it),
// then the disk's lease, tracking, logs and, when asked, its replica go. Each step
// repeats safely, and a crash between the two files is mended when the session opens
// (LeaveOutRemovedDisk), so that settings and state always name the same disks in the
// same order, which everything else indexes them by.
#include <algorithm>
#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "hvr/change_tracker.hpp"
#include "session/log_shipping.hpp"
#include "session/session_impl.hpp"

namespace hvr {
namespace {

using boost::asio::use_future;

// Whether `name` names `disk`: its replica's name, or its path (relative to the current
// directory or not).
bool Names(const DiskSpec& disk, const std::string& name) {
  if (disk.replica_name == name || disk.path == name) return true;
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(name, ec).lexically_normal();
  return !ec && disk.path == absolute.string();
}

std::optional<size_t> FindDisk(const ProtectionSettings& settings, const std::string& name) {
  for (size_t i = 0; i < settings.disks.size(); ++i) {
    if (Names(settings.disks[i], name)) return i;
  }
  return std::nullopt;
}

void LeaveOut(const DiskRemoval& removal, ProtectionSettings& settings) {
  std::erase_if(settings.disks, [&](const DiskSpec& d) { return d.replica_name == removal.disk.replica_name; });
}

void LeaveOut(const DiskRemoval& removal, SessionState& state) {
  const auto it = std::find_if(state.disks.begin(), state.disks.end(),
                               [&](const DiskState& d) { return d.replica == removal.disk.replica_name; });
  if (it == state.disks.end()) return;
  const auto index = static_cast<size_t>(it - state.disks.begin());
  state.disks.erase(it);
  // Every point holds a snapshot of every disk the VM had when it was taken.
  for (VmRecoveryPoint& point : state.points) {
    if (index < point.snapshots.size()) point.snapshots.erase(point.snapshots.begin() + static_cast<ptrdiff_t>(index));
    if (index < point.disk_sizes.size()) point.disk_sizes.erase(point.disk_sizes.begin() + static_cast<ptrdiff_t>(index));
  }
}

}  // namespace

std::string WhyDisksCannotChange(const SessionState& state) {
  if (state.removing) return "protection is being removed";
  if (!ReplicatesByItself(state.state)) return std::string("it is ") + ReplicationStateName(state.state);
  if (state.checkpoint_requested || state.checkpoint_active) {
    return "a copy from a checkpoint is in progress (initial replication or resync); let it finish first";
  }
  if (state.test_failover) return "a test failover exists; clean it up first";
  if (state.disk_addition) {
    return "disk " + state.disk_addition->disk.path +
           " is being added; add it again to finish that, or remove it to give it up, first";
  }
  return {};
}

std::string DiskNames(const ProtectionSettings& settings) {
  std::string names;
  for (const DiskSpec& d : settings.disks) names += (names.empty() ? "" : ", ") + d.replica_name;
  return names;
}

void LeaveOutRemovedDisk(ProtectionSettings& settings, SessionState& state) {
  if (!state.disk_removal) return;
  LeaveOut(*state.disk_removal, settings);
  LeaveOut(*state.disk_removal, state);
}

void LeaveOutRemovedDisk(SessionState& state) {
  if (state.disk_removal) LeaveOut(*state.disk_removal, state);
}

Result<std::string> Session::Impl::FinishDiskRemoval(RunningJob& job) {
  const DiskRemoval removal = *Snapshot().disk_removal;
  const DiskSpec& gone = removal.disk;

  job.Step("leave " + gone.replica_name + " out of the settings and the recovery points");
  ProtectionSettings next = settings;
  LeaveOut(removal, next);
  if (next.disks.size() != settings.disks.size()) HVR_RETURN_IF_ERROR(dir.SaveSettings(next));
  {
    std::lock_guard lock(settings_mu);
    settings = next;
  }
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& st) { LeaveOut(removal, st); }));

  job.Step("release the lease of " + gone.replica_name);
  // Another agent's lease stops the removal here.
  HVR_RETURN_IF_ERROR(ReleaseLease(gone.replica_name));
  HVR_ASSIGN_OR_RETURN(const size_t logs, StopTrackingDisk(job, gone));
  HVR_RETURN_IF_ERROR(ForgetReplica(job, gone.replica_name, removal.delete_replica));
  HVR_RETURN_IF_ERROR(Commit([](SessionState& st) { st.disk_removal.reset(); }));
  return "disk " + gone.replica_name + " (" + gone.path + ") no longer replicated; " + std::to_string(logs) +
         " tracking logs deleted; replica " + (removal.delete_replica ? "deleted from " : "kept in ") +
         store->description();
}

Status Session::Impl::ReleaseLease(const std::string& replica) {
  // Taken first (the lease of a process that died is ours again at once), then let go.
  const Status held = leases->Hold({replica});
  HVR_RETURN_IF_ERROR(UnlessNotFound(held));  // a replica that is gone holds no lease
  return held.ok() ? leases->Let(replica) : Ok();
}

Result<size_t> Session::Impl::StopTrackingDisk(RunningJob& job, const DiskSpec& disk) {
  job.Step("stop tracking " + disk.path);
  HVR_RETURN_IF_ERROR(host.StopTracking(HostVm{settings.vm_name, Snapshot().vm_id, {disk.path}}));
  job.Step("delete its tracking logs");
  HVR_ASSIGN_OR_RETURN(const auto logs, ListTrackedLogs(disk.log_folder, disk.log_name));
  HVR_RETURN_IF_ERROR(DeleteLogs(logs));
  return logs.size();
}

Status Session::Impl::ForgetReplica(RunningJob& job, const std::string& replica, bool delete_replica) {
  if (delete_replica) {
    job.Step("delete the replica disk " + replica);
    HVR_RETURN_IF_ERROR(UnlessNotFound(store->AsyncDeleteDisk(replica, use_future).get()));
  }
  const std::string manifest = dir.ManifestPath(replica);
  std::error_code ec;
  std::filesystem::remove(manifest, ec);
  if (ec) return Error(Code::kIo, "cannot delete " + manifest + ": " + ec.message());
  return Ok();
}

Status Session::RemoveDisk(const std::string& disk, const RemoveDiskOptions& options) {
  Impl& s = *impl_;
  if (s.dir.read_only()) {
    OperatorRequest request = OperatorRequest::Make(OperatorOperation::kRemoveDisk);
    request.disk = disk;
    request.remove_disk = options;
    return s.AskOrRun(request);
  }
  return s.RunJob(JobType::kRemoveDisk, false, [&](RunningJob& job) -> Status {
    std::string summary;
    // A removal a crash cut short is finished first; when it was this disk's, that is all.
    if (const auto pending = s.Snapshot().disk_removal) {
      HVR_ASSIGN_OR_RETURN(summary, s.FinishDiskRemoval(job));
      if (Names(pending->disk, disk)) {
        job.Summary(summary);
        return Ok();
      }
    }
    const auto append = [&](const std::string& done) { summary += (summary.empty() ? "" : "; ") + done; };
    // The disk being added, named: the operator gives its addition up. One given up
    // before is finished first; when it was this disk's, that is all.
    if (const auto adding = s.Snapshot().disk_addition; adding && !s.Snapshot().removing) {
      const bool named = Names(adding->disk, disk);
      if (named && (!adding->abandoned || adding->delete_replica != options.delete_replica)) {
        // The operator's last word on the replica counts: one to be deleted that another
        // agent leases can be kept instead.
        HVR_RETURN_IF_ERROR(s.CommitAddition([&](DiskAddition& a) {
          a.abandoned = true;
          a.delete_replica = options.delete_replica;
        }));
      }
      if (named || adding->abandoned) {
        HVR_ASSIGN_OR_RETURN(const std::string given_up, s.FinishAbandonedAddition(job));
        append(given_up);
        if (named) {
          job.Summary(summary);
          return Ok();
        }
      }
    }
    job.Step("check the disk");
    const SessionState state = s.Snapshot();
    const std::string& vm = s.settings.vm_name;
    if (const std::string why = WhyDisksCannotChange(state); !why.empty()) {
      return Error(Code::kInvalidReplicaState, "VM '" + vm + "': its disks cannot change now: " + why);
    }
    const auto index = FindDisk(s.settings, disk);
    if (!index) {
      return Error(Code::kNotFound, "VM '" + vm + "' has no disk '" + disk + "' (its disks: " + DiskNames(s.settings) + ")");
    }
    if (s.settings.disks.size() == 1) {
      return Error(Code::kInvalidArgument,
                   "disk '" + disk + "' is the last disk of VM '" + vm + "': remove protection instead (unprotect)");
    }
    const DiskRemoval removal{s.settings.disks[*index], options.delete_replica};
    HVR_RETURN_IF_ERROR(s.Commit([&](SessionState& st) { st.disk_removal = removal; }));
    HVR_ASSIGN_OR_RETURN(const std::string done, s.FinishDiskRemoval(job));
    append(done);
    job.Summary(summary);
    return Ok();
  });
}

}  // namespace hvr
