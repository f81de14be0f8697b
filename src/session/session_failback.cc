// Failback to on-premises and reverse replication (docs/failover.md): the VM's
// disks come back from the failed-over disks, first while the Azure VM runs (repeatable,
// each run moving what changed since the last), then once more after the host stopped
// it; the replica becomes that failback point without leaving the target, so reverse
// replication sends only what the VM writes afterwards.
#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "hvr/change_tracker.hpp"
#include "hvr/chunk_diff.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/replica_reader.hpp"
#include "session/disk_sync.hpp"
#include "session/log_shipping.hpp"
#include "session/session_impl.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using boost::asio::use_future;

constexpr uint32_t kCompareChunk = 64 << 10;

Result<Guid> IdentityOf(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(auto disk, OpenDisk(path));
  return disk->info().data_write_guid;
}

}  // namespace

Status Session::Impl::RequireVmOff() {
  HVR_ASSIGN_OR_RETURN(const bool running, host.VmRunning(Vm()));
  if (!running) return Ok();
  // A state of the moment, not damage: once the operator shuts the VM down, failback
  // runs. (Failback is started by hand, never by the retry policy.) RunJob names the VM.
  return Error(Code::kConflict,
               "the on-premises VM is running: failback to its own disks would write under it; "
               "shut it down first, or fail back to another folder");
}

Result<FailbackDiskReport> Session::Impl::SyncBack(size_t i, FailbackState& failback, const CancelToken* cancel) {
  const SessionState s = Snapshot();
  const FailoverState& failover = *s.failover;
  const std::string& name = failover.disks.at(i);
  const std::string& destination = failback.paths.at(i);
  FailbackDiskReport report;
  report.destination = destination;

  // The running VM's disk, frozen for the read: the destination will equal this.
  SnapshotOptions frozen;
  frozen.metadata = {{"role", "failback_sync"}};
  HVR_ASSIGN_OR_RETURN(const RecoveryPoint now, store->AsyncCreateSnapshot(name, frozen, use_future).get());
  HVR_ASSIGN_OR_RETURN(auto source, OpenReplicaReader(*store, name, now.id));

  if (!std::filesystem::exists(destination)) {
    VhdxCreateOptions create;
    create.virtual_size = s.disks[i].source_size;
    HVR_RETURN_IF_ERROR(CreateVhdx(destination, create));
  }
  HVR_ASSIGN_OR_RETURN(const Guid identity, IdentityOf(destination));
  // What the destination is known to equal, if anything: the last sync's snapshot, or
  // (first sync after a planned failover to the original disks) the failover's base.
  std::string reference;
  if (!failback.synced_snapshots[i].empty() && identity == failback.synced_identities[i] && !identity.IsZero()) {
    reference = failback.synced_snapshots[i];
  } else if (failback.synced_snapshots[i].empty() && failback.folder.empty() && failover.planned &&
             i < failover.source_identities.size() && !identity.IsZero() && identity == failover.source_identities[i]) {
    reference = failover.base_snapshots.at(i);
  }
  std::optional<std::vector<ByteRange>> changed;
  if (!reference.empty()) {
    auto ranges = store->AsyncChangedRanges(name, reference, now.id, use_future).get();
    if (ranges.ok()) {
      changed = std::move(*ranges);
    } else if (ranges.error().code() != Code::kUnsupported) {
      return std::move(ranges).error();
    }
  }
  HVR_ASSIGN_OR_RETURN(auto writer, OpenDiskForWrite(destination));
  const unsigned threads = static_cast<unsigned>(Buffers());
  Result<DiskSyncStats> stats = changed ? CopyRanges(*source, *writer, *changed, threads, cancel)
                                        : CopyDiffering(*source, *writer, kCompareChunk, threads, cancel);
  // Closed either way: a half-synced disk is consistent, the next sync compares it.
  Status closed = writer->Close();
  if (!stats.ok()) return std::move(stats).error();
  HVR_RETURN_IF_ERROR(closed);
  report.method = changed ? "changed_ranges" : "compare";
  report.bytes_read = stats->bytes_read;
  report.bytes_written = stats->bytes_written;

  HVR_ASSIGN_OR_RETURN(const Guid after, IdentityOf(destination));
  const std::string previous = failback.synced_snapshots[i];
  failback.synced_snapshots[i] = now.id;
  failback.synced_identities[i] = after;
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& st) { st.failback = failback; }));
  if (!previous.empty()) {
    HVR_RETURN_IF_ERROR(UnlessNotFound(store->AsyncDeleteSnapshot(name, previous, use_future).get()));
  }
  return report;
}

Result<FailbackReport> Session::Impl::Failback(RunningJob& job, const FailbackOptions& request, bool complete) {
  const SessionState before = Snapshot();
  if (complete && before.state == ReplicationState::kFailedBack && before.failback && before.failback->vm_started) {
    // Done already (the run that did it may have ended before it could say so).
    job.Summary("the failback was complete already");
    FailbackReport done;
    done.completed = true;
    return done;
  }
  HVR_RETURN_IF_ERROR(StartFailback(request, complete));
  const SessionState s = Snapshot();
  FailbackState failback = *s.failback;
  FailbackReport report;

  if (complete && !failback.azure_vm_stopped) {
    job.Step("shut the Azure VM down");
    HVR_RETURN_IF_ERROR(host.ShutdownAzureVm(DescribeFailover(*s.failover, false)));
    failback.azure_vm_stopped = true;
    HVR_RETURN_IF_ERROR(Commit([&](SessionState& st) { st.failback = failback; }));
  }
  if (!complete || !failback.final_sync_done) HVR_RETURN_IF_ERROR(SyncDisksBack(job, failback, complete, report));
  if (!complete) {
    job.Summary("failback sync " + std::to_string(failback.syncs));
    return report;
  }

  if (!failback.replica_seeded) {
    job.Step("make the replica the failback point");
    HVR_RETURN_IF_ERROR(MakeReplicaTheFailbackPoint(s, failback));
  }
  if (!failback.vm_started) {
    job.Step("start the on-premises VM");
    HVR_RETURN_IF_ERROR(host.StartVm(Vm()));
    failback.vm_started = true;
    HVR_RETURN_IF_ERROR(Commit([&](SessionState& st) {
      st.failback = failback;
      st.state = ReplicationState::kFailedBack;
    }));
  }
  report.completed = true;
  job.Summary("failed back to " + (failback.folder.empty() ? std::string("the original disks") : failback.folder));
  return report;
}

Status Session::Impl::StartFailback(const FailbackOptions& request, bool complete) {
  const SessionState s = Snapshot();
  if (s.state != ReplicationState::kFailedOver && s.state != ReplicationState::kFailoverCommitted) {
    return Error(Code::kInvalidReplicaState,
                 std::string("failback needs a failed-over VM (it is ") + ReplicationStateName(s.state) + ")");
  }
  if (s.failover && s.failover->point.snapshots.size() < s.disks.size()) {
    // The Azure VM runs without the disks added after its point: there is nothing of
    // them to bring back, and reverse replication needs every replica at the failback point.
    return Error(Code::kInvalidReplicaState,
                 "failback brings every disk of the VM back, but recovery point " + s.failover->point.id +
                     " holds " + std::to_string(s.failover->point.snapshots.size()) + " of its " +
                     std::to_string(s.disks.size()) + " disks (the others were added after it); before the failover "
                     "is committed, fail over to a point taken since");
  }
  const bool to_original = (s.failback ? s.failback->folder : request.folder).empty();
  const bool syncs_left = !complete || !s.failback || !s.failback->final_sync_done;
  if (to_original && syncs_left) HVR_RETURN_IF_ERROR(RequireVmOff());
  if (s.failback) {
    if (request.folder == s.failback->folder) return Ok();
    return Error(Code::kInvalidArgument, "failback already goes to " +
                                             (s.failback->folder.empty() ? std::string("the original disks")
                                                                         : s.failback->folder));
  }
  FailbackState fresh;
  fresh.folder = request.folder;
  for (size_t i = 0; i < s.disks.size(); ++i) {
    fresh.paths.push_back(request.folder.empty()
                              ? s.disks[i].source
                              : (std::filesystem::path(request.folder) /
                                 (settings.vm_name + "-disk" + std::to_string(i) + ".vhdx"))
                                    .string());
  }
  fresh.synced_snapshots.assign(s.disks.size(), "");
  fresh.synced_identities.assign(s.disks.size(), Guid{});
  if (!request.folder.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(request.folder, ec);
    if (ec) return SystemError(ec, "create failback folder " + request.folder);
  }
  return Commit([&](SessionState& st) { st.failback = fresh; });
}

Status Session::Impl::SyncDisksBack(RunningJob& job, FailbackState& failback, bool complete, FailbackReport& report) {
  const size_t disks = Snapshot().disks.size();
  for (size_t i = 0; i < disks; ++i) {
    job.Step("synchronise disk " + std::to_string(i) + " to " + failback.paths[i]);
    // Completing is not cancelled half way either: the Azure VM is already down.
    HVR_ASSIGN_OR_RETURN(FailbackDiskReport disk, SyncBack(i, failback, nullptr));
    job.Note(disk.method + ": read " + std::to_string(disk.bytes_read) + " bytes, wrote " +
             std::to_string(disk.bytes_written));
    report.disks.push_back(std::move(disk));
  }
  failback.syncs++;
  if (complete) failback.final_sync_done = true;
  return Commit([&](SessionState& st) { st.failback = failback; });
}

Status Session::Impl::MakeReplicaTheFailbackPoint(const SessionState& s, FailbackState& failback) {
  // The replica becomes the failback point, copied inside the target; its old points
  // go with it, forgotten first so that none is offered while its disk is gone.
  HVR_RETURN_IF_ERROR(Commit([](SessionState& st) { st.points.clear(); }));
  ProtectionSettings moved = settings;
  if (!failback.folder.empty()) {
    for (size_t i = 0; i < moved.disks.size(); ++i) moved.disks[i] = DiskSpec{failback.paths[i], {}, {}, moved.disks[i].replica_name};
    moved = WithDefaults(moved);
  }
  std::vector<std::vector<std::string>> obsolete;
  for (size_t i = 0; i < s.disks.size(); ++i) {
    const DiskState& d = s.disks[i];
    const std::string& name = s.failover->disks[i];
    HVR_RETURN_IF_ERROR(UnlessNotFound(store->AsyncDeleteDisk(d.replica, use_future).get()));
    const Metadata tag{{"vm_id", s.vm_id.ToString()}, {"role", "replica"}};
    HVR_RETURN_IF_ERROR(
        store->AsyncCopySnapshot(name, failback.synced_snapshots[i], d.replica, tag, use_future).get());
    // The destination equals it: its manifest is computed here, without reading back.
    HVR_ASSIGN_OR_RETURN(auto disk, OpenDisk(failback.paths[i]));
    const PaddedDisk padded(*disk, d.replica_size);
    ChunkOptions hashing;
    hashing.chunk_size = settings.chunk_size;
    HVR_ASSIGN_OR_RETURN(const Manifest manifest, BuildManifest(padded, hashing));
    HVR_RETURN_IF_ERROR(SaveManifest(i, manifest));
    // Logs from before the failback describe a disk that is no more.
    HVR_ASSIGN_OR_RETURN(auto closed, ListClosedLogs(moved.disks[i].log_folder, moved.disks[i].log_name));
    obsolete.push_back(std::move(closed));
  }
  if (!failback.folder.empty()) HVR_RETURN_IF_ERROR(dir.SaveSettings(moved));
  failback.replica_seeded = true;
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& st) {
    st.failback = failback;
    st.points.clear();
    st.checkpoint_active = st.checkpoint_requested = false;
    for (size_t i = 0; i < st.disks.size(); ++i) {
      DiskState& d = st.disks[i];
      d.source = failback.paths[i];
      d.obsolete_logs = obsolete[i];
      d.last_applied_log.reset();
      d.tracked_identity = Guid{};
      d.pending_log_bytes = 0;
      d.replica_etag.clear();  // a new disk; reverse replication records its ETag
      d.verify_replica = false;
    }
  }));
  std::lock_guard lock(settings_mu);
  settings = moved;
  return Ok();
}

Result<FailbackReport> Session::FailbackSync(const FailbackOptions& options) {
  FailbackReport report;
  HVR_RETURN_IF_ERROR(impl_->RunJob(JobType::kFailbackSync, false, [&](RunningJob& job) -> Status {
    HVR_ASSIGN_OR_RETURN(report, impl_->Failback(job, options, false));
    return Ok();
  }));
  return report;
}

Result<FailbackReport> Session::FailbackComplete(const FailbackOptions& options) {
  FailbackReport report;
  HVR_RETURN_IF_ERROR(impl_->RunJob(JobType::kFailbackComplete, false, [&](RunningJob& job) -> Status {
    HVR_ASSIGN_OR_RETURN(report, impl_->Failback(job, options, true));
    return Ok();
  }));
  return report;
}

Status Session::CommitFailback() {
  return impl_->RunJob(JobType::kCommitFailback, false, [&](RunningJob& job) -> Status {
    const SessionState s = impl_->Snapshot();
    const bool back = s.state == ReplicationState::kFailedBack ||
                      (s.state == ReplicationState::kReplicating && s.failover && s.failback);
    if (!back || !s.failover || s.failback_committed) {
      return Error(Code::kInvalidReplicaState, "nothing to commit: no failback is complete");
    }
    job.Step("delete the Azure VM");
    HVR_RETURN_IF_ERROR(impl_->host.DeleteAzureVm(impl_->DescribeFailover(*s.failover, false)));
    job.Step("delete the failed-over disks");
    for (const std::string& name : s.failover->disks) {
      HVR_RETURN_IF_ERROR(UnlessNotFound(impl_->store->AsyncDeleteDisk(name, use_future).get()));
    }
    HVR_RETURN_IF_ERROR(impl_->Commit([](SessionState& st) { st.failback_committed = true; }));
    job.Summary("failback committed");
    return Ok();
  });
}

Status Session::ReverseReplication() {
  return impl_->RunJob(JobType::kReverseReplication, false, [&](RunningJob& job) -> Status {
    const SessionState s = impl_->Snapshot();
    if (s.state != ReplicationState::kFailedBack) {
      return Error(Code::kInvalidReplicaState,
                   std::string("reverse replication follows a completed failback (the VM is ") +
                       ReplicationStateName(s.state) + ")");
    }
    std::vector<std::string> replicas;
    for (const DiskState& d : s.disks) replicas.push_back(d.replica);
    HVR_RETURN_IF_ERROR(impl_->leases->Hold(replicas));
    // The replica holds the failback point already: it is the first point of the new
    // protection, and the cycles ship what the VM writes from here on.
    job.Step("take recovery point");
    const uint64_t sequence = s.next_point;
    HVR_ASSIGN_OR_RETURN(
        const VmRecoveryPoint point,
        impl_->TakePoint(sequence, impl_->clock.Now(), false, std::vector<std::string>(s.disks.size())));
    HVR_RETURN_IF_ERROR(impl_->Commit([&](SessionState& st) {
      st.state = ReplicationState::kReplicating;
      st.points = {point};
      st.next_point = sequence + 1;
      st.last_cycle = impl_->clock.Now();
      st.failover_committed = false;
    }));
    HVR_RETURN_IF_ERROR(impl_->Mirror());
    job.Summary("protected again from the failback point, recovery point " + point.id);
    return Ok();
  });
}

}  // namespace hvr
