// Initial replication and resynchronization: both copy from a checkpoint, sending what
// differs from what the replica's manifest says it holds (for a new replica: zeros),
// then apply the logs written during the copy and take a recovery point.
//
// The logs written during a copy grow for as long as it runs, and across every run an
// outage or a crash interrupts. When they reach half a disk, applying them would cost more
// than copying again from a newer checkpoint, which sends only what changed since (the
// manifests know what the replica holds). The copy then gives its checkpoint up, at most
// kMaxFreshViews times a run, so that a VM that writes faster than the copy still ends.
#include <atomic>
#include <cstdio>

#include "hvr/change_tracker.hpp"
#include "hvr/chunk_diff.hpp"
#include "hvr/hrl_coalesce.hpp"
#include "hvr/replica_reader.hpp"
#include "session/log_shipping.hpp"
#include "session/replica_sync.hpp"
#include "session/session_impl.hpp"

namespace hvr {
namespace {

std::string Bytes(uint64_t n) {
  char buffer[32];
  if (n >= (uint64_t{1} << 30)) {
    std::snprintf(buffer, sizeof buffer, "%.2f GiB", static_cast<double>(n) / (1 << 30));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f MiB", static_cast<double>(n) / (1 << 20));
  }
  return buffer;
}

// The byte ranges of the chunks a manifest does not know.
std::vector<ByteRange> UnknownRanges(const Manifest& manifest) {
  std::vector<ByteRange> ranges;
  for (uint64_t i = 0; i < manifest.chunk_count(); ++i) {
    if (!manifest.hash(i).is_unknown()) continue;
    const ByteRange r = manifest.ChunkRange(i);
    if (!ranges.empty() && ranges.back().end() == r.offset) {
      ranges.back().length += r.length;
    } else {
      ranges.push_back(r);
    }
  }
  return ranges;
}

// Newer checkpoints one run may take when the logs outgrow the copy.
constexpr int kMaxFreshViews = 2;

}  // namespace

Status Session::Impl::Synchronize(RunningJob& job, bool initial, const CancelToken* cancel) {
  HVR_RETURN_IF_ERROR(RequireNoDiskAddition(Snapshot()));
  std::vector<std::string> replicas;
  for (const DiskState& d : Snapshot().disks) replicas.push_back(d.replica);
  HVR_RETURN_IF_ERROR(leases->Hold(replicas));
  HVR_RETURN_IF_ERROR(FinishLeftovers(job));
  HVR_RETURN_IF_ERROR(DropStaleCheckpoint(job));

  std::optional<CheckpointCopy> copy;
  std::optional<CatchUpResult> caught;
  uint64_t sent_total = 0;
  for (int views = 0;; ++views) {
    HVR_RETURN_IF_ERROR(TakeCheckpoint(job, initial));
    // A catch-up that failed starts again from the finished copy: applying the logs
    // again gives the same bytes, while comparing the view again would resend every
    // chunk the failed attempt touched.
    if (Snapshot().copy_done) {
      HVR_ASSIGN_OR_RETURN(copy, ReopenCopy(job));
    } else {
      HVR_ASSIGN_OR_RETURN(copy, CopyCheckpoint(job, initial, cancel));
    }
    sent_total += copy->bytes_sent;
    HVR_ASSIGN_OR_RETURN(caught, CatchUp(job, *copy, views >= kMaxFreshViews, cancel));
    if (caught) break;
    job.Note("the logs written during the copy outgrew it: copying again from a newer checkpoint");
    copy.reset();
    HVR_RETURN_IF_ERROR(Commit([](SessionState& s) { s.checkpoint_stale = true; }));
    HVR_RETURN_IF_ERROR(DropStaleCheckpoint(job));
  }
  uint64_t applied = 0;
  for (uint64_t n : caught->bytes_sent) applied += n;
  copy.reset();

  // The first recovery point of the new epoch.
  job.Step("take recovery point");
  const uint64_t sequence = Snapshot().next_point;
  HVR_ASSIGN_OR_RETURN(const VmRecoveryPoint point, TakePoint(sequence, caught->source_time, false, caught->log_ids));
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
    s.state = ReplicationState::kReplicating;
    s.points.push_back(point);
    s.next_point = sequence + 1;
    s.catch_up_started = false;
    s.copy_done = false;
    s.resync_reason.clear();
    s.resync_by_hand = false;
    s.last_cycle = clock.Now();
    RecordShipped(s, caught->pending, caught->identities, caught->bytes_sent);
    for (DiskState& d : s.disks) d.seeded = false;  // the manifests now say what the replicas hold
    s.Count([&](ReplicationStatistics& r) {
      r.bytes_sent += sent_total + applied;
      if (initial) return;
      ++r.resyncs;
      r.resync_bytes += sent_total + applied;
    });
  }));

  // What the copy made obsolete, then the checkpoint itself.
  job.Step("clean up");
  for (const PendingLogs& logs : caught->pending) {
    HVR_RETURN_IF_ERROR(DeleteLogs(logs.paths));
    HVR_RETURN_IF_ERROR(DeleteLogs(logs.applied));
  }
  HVR_RETURN_IF_ERROR(FinishLeftovers(job));
  HVR_RETURN_IF_ERROR(Prune());
  HVR_RETURN_IF_ERROR(Mirror());
  job.Summary("recovery point " + point.id + "; sent " + Bytes(sent_total + applied));
  return Ok();
}

Status Session::Impl::TakeCheckpoint(RunningJob& job, bool initial) {
  // Unless a run a crash or failure interrupted holds one.
  if (Snapshot().checkpoint_active) return Ok();
  const HostVm vm = Vm();
  job.Step("take checkpoint");
  if (!Snapshot().checkpoint_requested) {
    // Logs closed before the checkpoint hold nothing the copy lacks, nor do logs a crash
    // of the host left unclosed. Listed before the host is asked, and kept, so that
    // asking again after a crash cannot count a log closed after the checkpoint among
    // them.
    std::vector<std::vector<std::string>> obsolete;
    for (const DiskSpec& disk : settings.disks) {
      HVR_ASSIGN_OR_RETURN(auto logs, ListObsoleteAtCheckpoint(disk));
      obsolete.push_back(std::move(logs));
    }
    const TimePoint asked = clock.Now();
    HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
      s.state = initial ? ReplicationState::kInitialReplication : ReplicationState::kResynchronizing;
      s.checkpoint_requested = true;
      s.copy_done = false;
      s.checkpoint_time = asked;
      for (size_t i = 0; i < s.disks.size(); ++i) {
        DiskState& d = s.disks[i];
        d.obsolete_logs.insert(d.obsolete_logs.end(), obsolete[i].begin(), obsolete[i].end());
        d.last_applied_log.reset();
        d.sync_done = 0;
        d.sync_total = d.replica_size;  // until the copy knows what it examines
      }
    }));
  }
  HVR_ASSIGN_OR_RETURN(const std::vector<FrozenDisk> frozen, host.CreateCheckpoint(vm));
  if (frozen.size() != settings.disks.size()) {
    return Error(Code::kInvalidArgument, "the host's checkpoint has " + std::to_string(frozen.size()) +
                                             " disks, the VM " + std::to_string(settings.disks.size()));
  }
  return Commit([&](SessionState& s) {
    s.checkpoint_requested = false;
    s.checkpoint_active = true;
    for (size_t i = 0; i < s.disks.size(); ++i) {
      s.disks[i].frozen_path = frozen[i].path;
      s.disks[i].tracked_identity = frozen[i].tracked_identity;
    }
  });
}

Result<CheckpointCopy> Session::Impl::CopyCheckpoint(RunningJob& job, bool initial, const CancelToken* cancel) {
  const SessionState started = Snapshot();
  CheckpointCopy copy;
  for (size_t i = 0; i < started.disks.size(); ++i) {
    const DiskState& d = started.disks[i];
    job.Step((initial ? "copy disk " : "resync disk ") + std::to_string(i) + " (" + d.replica + ")");
    HVR_ASSIGN_OR_RETURN(auto view, OpenDisk(d.frozen_path));
    // A new replica reads as zeros; a seed holds a copy that is compared, as a resync does.
    const bool new_replica = initial && !d.seeded;
    HVR_ASSIGN_OR_RETURN(Manifest manifest, LoadManifest(i, new_replica));
    std::string doubt;
    if (!initial) {
      HVR_ASSIGN_OR_RETURN(doubt, TrustManifest(i, manifest));
    }
    // A source that grew since the replica was made (or a growth a crash cut short).
    const uint64_t view_size = view->info().virtual_size;
    HVR_ASSIGN_OR_RETURN(const uint64_t replica_size, ReplicaSizeNeeded(i, view_size));
    HVR_RETURN_IF_ERROR(FollowSourceSize(job, i, view_size, replica_size, &manifest));
    if (!new_replica && manifest.unknown_chunk_count() > 0) {
      // What the cycles wrote in part is not known chunk by chunk: learn it from the
      // replica, which costs reading those chunks instead of sending them all.
      HVR_ASSIGN_OR_RETURN(auto replica, OpenReplicaReader(*store, d.replica));
      ChunkOptions refresh;
      refresh.threads = static_cast<unsigned>(Buffers());
      refresh.cancel = cancel;
      const auto unknown = UnknownRanges(manifest);
      HVR_RETURN_IF_ERROR(UpdateManifest(manifest, *replica, unknown, refresh));
      HVR_RETURN_IF_ERROR(SaveManifest(i, manifest));
    }
    ReplicaSyncOptions sync;
    sync.buffers = Buffers();
    // Zero blocks may stay unsent only while the replica holds nothing but zeros and
    // this view's data: not once logs were applied, nor after an older view.
    sync.replica_zero_or_source = new_replica && !started.catch_up_started;
    sync.join_gap = JoinGap();
    sync.cancel = cancel;
    std::atomic<uint64_t> done_bytes{0}, total_bytes{0};
    sync.progress = [&](uint64_t done, uint64_t total) {
      done_bytes = done;
      total_bytes = total;
      job.Progress(done, total);
    };
    // The manifest first: the state only reports progress, the manifest is what resumes.
    sync.checkpoint = [&, i](const Manifest& m) -> Status {
      HVR_RETURN_IF_ERROR(SaveManifest(i, m));
      return Commit([&](SessionState& s) {
        s.disks[i].sync_done = done_bytes;
        s.disks[i].sync_total = total_bytes;
      });
    };
    auto stats = SyncToReplica(*view, manifest, *store, d.replica, sync);
    // What was written is in the manifest even when the sync failed: keep it.
    HVR_RETURN_IF_ERROR(SaveManifest(i, manifest));
    if (!stats.ok()) return std::move(stats).error();
    job.Note("sent " + Bytes(stats->bytes_sent) + ", cleared " + Bytes(stats->bytes_cleared) + " of " +
             Bytes(stats->bytes_examined) + " examined" +
             (doubt.empty() ? std::string() : " (replica read first: " + doubt + ")"));
    copy.bytes_sent += stats->bytes_sent;
    HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
      s.disks[i].sync_done = s.disks[i].sync_total = stats->bytes_examined;
      s.disks[i].bytes_sent += stats->bytes_sent;
    }));
    copy.frozen.push_back(std::move(view));
    copy.manifests.push_back(std::move(manifest));
  }
  HVR_RETURN_IF_ERROR(Commit([](SessionState& s) { s.copy_done = true; }));
  return copy;
}

Result<CheckpointCopy> Session::Impl::ReopenCopy(RunningJob& job) {
  job.Step("the copy of the checkpoint is complete: applying the logs written meanwhile again");
  const SessionState s = Snapshot();
  CheckpointCopy copy;
  for (size_t i = 0; i < s.disks.size(); ++i) {
    HVR_ASSIGN_OR_RETURN(auto view, OpenDisk(s.disks[i].frozen_path));
    HVR_ASSIGN_OR_RETURN(Manifest manifest, LoadManifest(i, false));
    copy.frozen.push_back(std::move(view));
    copy.manifests.push_back(std::move(manifest));
  }
  return copy;
}

Result<std::optional<CatchUpResult>> Session::Impl::CatchUp(RunningJob& job, CheckpointCopy& copy, bool apply_any,
                                                            const CancelToken* cancel) {
  job.Step("apply the logs written during the copy");
  // From here on the replica may hold data that is not the view's (also after a newer
  // view replaces this one), until the recovery point.
  HVR_RETURN_IF_ERROR(Commit([](SessionState& s) { s.catch_up_started = true; }));
  if (auto rotated = host.RotateLogs(Vm(), false); !rotated.ok()) return std::move(rotated).error();
  const size_t disks = copy.frozen.size();
  CatchUpResult result;
  result.source_time = *Snapshot().checkpoint_time;
  result.identities.resize(disks);
  // All disks are checked before any is written, so that giving the view up loses nothing.
  for (size_t i = 0; i < disks; ++i) {
    const DiskState d = Snapshot().disks[i];
    HVR_ASSIGN_OR_RETURN(PendingLogs logs, FindPendingLogs(settings.disks[i], d));
    HVR_RETURN_IF_ERROR(CheckPendingLogs(logs, d, result.identities[i]));
    if (!apply_any && !CheckLogVolume(logs, d.replica_size).ok()) return std::optional<CatchUpResult>();
    result.pending.push_back(std::move(logs));
  }
  uint64_t sent = 0;
  for (size_t i = 0; i < disks; ++i) {
    const DiskState d = Snapshot().disks[i];
    const PendingLogs& logs = result.pending[i];
    Manifest& manifest = copy.manifests[i];
    MapForCycle in_use(maps[i]);
    ExtentMap& map = in_use.map();
    CoalesceOptions coalesce;
    coalesce.cancel = cancel;
    if (auto summary = CoalesceLogs(logs.paths, d.replica_size, map, coalesce); !summary.ok()) {
      return ExplainChainGap(summary.error(), settings.disks[i], logs);
    }
    const KnownZeros zeros(manifest);
    HVR_RETURN_IF_ERROR(InvalidateChanged(manifest, map));
    HVR_RETURN_IF_ERROR(SaveManifest(i, manifest));
    HVR_ASSIGN_OR_RETURN(const ApplyStats applied, ApplyToReplica(map, ZeroExtended(*copy.frozen[i]), zeros, *store,
                                                                  d.replica, manifest, ApplyOptionsFor(cancel)));
    // The replica's new content is known here without reading it back.
    const OverlayReader after(*copy.frozen[i], map, d.replica_size);
    const auto changed = map.ChangedRanges();
    ChunkOptions rehash;
    rehash.threads = 1;
    rehash.cancel = cancel;
    HVR_RETURN_IF_ERROR(UpdateManifest(manifest, after, changed, rehash));
    HVR_RETURN_IF_ERROR(SaveManifest(i, manifest));
    sent += applied.bytes_sent;
    result.bytes_sent.push_back(applied.bytes_sent);
    for (const HrlHeader& h : logs.headers) {
      result.source_time = std::max(result.source_time, FromHrlTime(h.last_modified_timestamp));
    }
    result.log_ids.push_back(logs.headers.empty() ? std::string() : logs.headers.back().unique_id.ToString());
  }
  job.Note("applied " + Bytes(sent));
  return std::optional<CatchUpResult>(std::move(result));
}

Status Session::Impl::DropStaleCheckpoint(RunningJob& job) {
  if (!Snapshot().checkpoint_stale) return Ok();
  // Marked stale before the merge, so that a crash during it cannot leave the merged
  // (now live) disk taken for a frozen view.
  job.Step("merge the checkpoint the copy outgrew");
  HVR_RETURN_IF_ERROR(host.MergeCheckpoint(Vm()));
  return Commit([](SessionState& s) {
    s.checkpoint_stale = false;
    s.checkpoint_active = s.checkpoint_requested = s.copy_done = false;
    for (DiskState& d : s.disks) d.frozen_path.clear();
  });
}

}  // namespace hvr
