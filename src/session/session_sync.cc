// Initial replication and resynchronisation: both copy from a checkpoint, sending what
// differs from what the replica's manifest says it holds (for a new replica: zeros),
// then apply the logs written during the copy and take a recovery point.
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

}  // namespace

Status Session::Impl::Synchronize(RunningJob& job, bool initial, const CancelToken* cancel) {
  const HostVm vm = Vm();
  std::vector<std::string> replicas;
  for (const DiskState& d : Snapshot().disks) replicas.push_back(d.replica);
  HVR_RETURN_IF_ERROR(leases->Hold(replicas));

  // 1. The point-in-time view, unless a run a crash or failure interrupted holds one.
  if (!Snapshot().checkpoint_active) {
    job.Step("take checkpoint");
    if (!Snapshot().checkpoint_requested) {
      // Logs closed before the checkpoint hold nothing the copy lacks. Listed before the
      // host is asked, and kept, so that asking again after a crash cannot count a log
      // closed after the checkpoint among them.
      std::vector<std::vector<std::string>> obsolete;
      for (const DiskSpec& disk : settings.disks) {
        HVR_ASSIGN_OR_RETURN(auto closed, ListClosedLogs(disk.log_folder, disk.log_name));
        obsolete.push_back(std::move(closed));
      }
      const TimePoint asked = clock.Now();
      HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
        s.state = initial ? ReplicationState::kInitialReplication : ReplicationState::kResynchronizing;
        s.checkpoint_requested = true;
        s.checkpoint_time = asked;
        s.catch_up_started = false;
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
    HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
      s.checkpoint_requested = false;
      s.checkpoint_active = true;
      for (size_t i = 0; i < s.disks.size(); ++i) {
        s.disks[i].frozen_path = frozen[i].path;
        s.disks[i].tracked_identity = frozen[i].tracked_identity;
      }
    }));
  }

  // 2. Each disk: send what differs from the replica.
  const SessionState started = Snapshot();
  std::vector<std::unique_ptr<DiskReader>> frozen;
  std::vector<Manifest> manifests;
  uint64_t sent_total = 0;
  for (size_t i = 0; i < started.disks.size(); ++i) {
    const DiskState& d = started.disks[i];
    job.Step((initial ? "copy disk " : "resync disk ") + std::to_string(i) + " (" + d.replica + ")");
    HVR_ASSIGN_OR_RETURN(auto view, OpenDisk(d.frozen_path));
    HVR_ASSIGN_OR_RETURN(Manifest manifest, LoadManifest(i, initial));
    if (!initial && manifest.unknown_chunk_count() > 0) {
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
    // this view's data.
    sync.replica_zero_or_source = initial && !started.catch_up_started;
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
             Bytes(stats->bytes_examined) + " examined");
    sent_total += stats->bytes_sent;
    HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
      s.disks[i].sync_done = s.disks[i].sync_total = stats->bytes_examined;
      s.disks[i].bytes_sent += stats->bytes_sent;
    }));
    frozen.push_back(std::move(view));
    manifests.push_back(std::move(manifest));
  }

  // 3. The writes made during the copy, from the logs, on top of the view.
  job.Step("apply the logs written during the copy");
  HVR_RETURN_IF_ERROR(Commit([](SessionState& s) { s.catch_up_started = true; }));
  if (auto rotated = host.RotateLogs(vm, false); !rotated.ok()) return std::move(rotated).error();
  TimePoint source_time = *Snapshot().checkpoint_time;
  std::vector<PendingLogs> pending;
  std::vector<std::string> log_ids;
  std::vector<Guid> identities;
  std::vector<uint64_t> applied_bytes;
  uint64_t sent = 0;
  for (size_t i = 0; i < started.disks.size(); ++i) {
    const DiskState d = Snapshot().disks[i];
    HVR_ASSIGN_OR_RETURN(PendingLogs logs, FindPendingLogs(settings.disks[i], d));
    Guid identity;
    HVR_RETURN_IF_ERROR(CheckPendingLogs(logs, d, d.replica_size, identity));
    ExtentMap& map = maps[i];
    map.Clear();
    CoalesceOptions coalesce;
    coalesce.cancel = cancel;
    if (auto summary = CoalesceLogs(logs.paths, d.replica_size, map, coalesce); !summary.ok()) {
      return ExplainChainGap(summary.error(), settings.disks[i], logs);
    }
    const KnownZeros zeros(manifests[i]);
    HVR_RETURN_IF_ERROR(InvalidateChanged(manifests[i], map));
    HVR_RETURN_IF_ERROR(SaveManifest(i, manifests[i]));
    HVR_ASSIGN_OR_RETURN(const ApplyStats applied, ApplyToReplica(map, ZeroExtended(*frozen[i]), zeros, *store, d.replica,
                                                                  manifests[i], ApplyOptionsFor(cancel)));
    // The replica's new content is known here without reading it back.
    const OverlayReader after(*frozen[i], map, d.replica_size);
    const auto changed = map.ChangedRanges();
    ChunkOptions rehash;
    rehash.threads = 1;
    rehash.cancel = cancel;
    HVR_RETURN_IF_ERROR(UpdateManifest(manifests[i], after, changed, rehash));
    HVR_RETURN_IF_ERROR(SaveManifest(i, manifests[i]));
    sent += applied.bytes_sent;
    applied_bytes.push_back(applied.bytes_sent);
    for (const HrlHeader& h : logs.headers) source_time = std::max(source_time, FromHrlTime(h.last_modified_timestamp));
    log_ids.push_back(logs.headers.empty() ? std::string() : logs.headers.back().unique_id.ToString());
    identities.push_back(identity);
    pending.push_back(std::move(logs));
  }
  job.Note("applied " + Bytes(sent));
  frozen.clear();

  // 4. The first recovery point of the new epoch.
  job.Step("take recovery point");
  const uint64_t sequence = Snapshot().next_point;
  HVR_ASSIGN_OR_RETURN(const VmRecoveryPoint point, TakePoint(sequence, source_time, false, log_ids));
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
    s.state = ReplicationState::kReplicating;
    s.points.push_back(point);
    s.next_point = sequence + 1;
    s.catch_up_started = false;
    s.resync_reason.clear();
    s.resync_by_hand = false;
    s.last_cycle = clock.Now();
    RecordShipped(s, pending, identities, applied_bytes);
  }));

  // 5. What the copy made obsolete, then the checkpoint itself.
  job.Step("clean up");
  for (const PendingLogs& logs : pending) {
    HVR_RETURN_IF_ERROR(DeleteLogs(logs.paths));
    HVR_RETURN_IF_ERROR(DeleteLogs(logs.applied));
  }
  HVR_RETURN_IF_ERROR(FinishLeftovers(job));
  HVR_RETURN_IF_ERROR(Prune());
  HVR_RETURN_IF_ERROR(Mirror());
  job.Summary("recovery point " + point.id + "; sent " + Bytes(sent_total + sent));
  return Ok();
}

}  // namespace hvr
