// Adopting a VM: a new relationship rebuilt from what its replicas hold, for a state
// directory that was lost, or another host after a host loss or a live migration
// (docs/session.md "Adopt"). The replicas' mirrors say which VM, which disk, the tracked
// identity and the last applied log; their snapshots' tags say the recovery points. What
// the replicas cannot prove is never guessed: a missing or unreadable field is an error,
// and logs that do not continue the last applied one make a resync that compares chunks.
#include <algorithm>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <map>

#include "hvr/change_tracker.hpp"
#include "hvr/hrl.hpp"
#include "session/log_shipping.hpp"
#include "session/recovery_points.hpp"
#include "session/replica_mirror.hpp"
#include "session/session_impl.hpp"
#include "store/store_target.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

using boost::asio::use_future;

// The VM's disks as their replicas' mirrors describe them, in the VM's order (the
// mirrored index), with `settings.disks` put in that order too.
Result<std::vector<MirroredDisk>> ReadMirrors(ProtectionSettings& settings, std::vector<DiskState>& disks,
                                              const std::vector<DiskProperties>& existing) {
  std::vector<MirroredDisk> mirrors;
  for (const DiskState& d : disks) {
    auto found = std::find_if(existing.begin(), existing.end(), [&](const DiskProperties& p) { return p.name == d.replica; });
    if (found == existing.end()) {
      return Error(Code::kNotFound, "replica disk '" + d.replica + "' of " + d.source + " is not in the target");
    }
    HVR_ASSIGN_OR_RETURN(MirroredDisk m, ReadMirror(*found));
    if (m.vm_name != settings.vm_name) {
      return Error(Code::kConflict, "replica disk '" + d.replica + "' replicates VM '" + m.vm_name + "', not '" +
                                        settings.vm_name + "' (metadata field 'vm')");
    }
    if (!mirrors.empty() && m.vm_id != mirrors.front().vm_id) {
      return Error(Code::kConflict, "replica disk '" + d.replica + "' belongs to VM id " + m.vm_id.ToString() +
                                        ", replica disk '" + disks.front().replica + "' to " +
                                        mirrors.front().vm_id.ToString() + " (metadata field 'vm_id')");
    }
    if (m.disk_count != disks.size()) {
      return Error(Code::kInvalidArgument, "VM '" + settings.vm_name + "' has " + std::to_string(m.disk_count) +
                                               " disks (replica disk '" + d.replica + "', metadata field 'disks'), " +
                                               std::to_string(disks.size()) + " given: name every disk of the VM");
    }
    if (found->virtual_size != d.replica_size) {
      return Error(Code::kInvalidReplicaState, "replica disk '" + d.replica + "' has " +
                                                   std::to_string(found->virtual_size) + " bytes, not the " +
                                                   std::to_string(d.replica_size) + " that " + d.source + " needs");
    }
    for (size_t j = 0; j < mirrors.size(); ++j) {
      if (mirrors[j].index == m.index) {
        return Error(Code::kInvalidReplicaState, "replica disks '" + disks[j].replica + "' and '" + d.replica +
                                                     "' are both disk " + std::to_string(m.index) +
                                                     " of the VM (metadata field 'disk')");
      }
    }
    mirrors.push_back(std::move(m));
  }
  // The VM's order: its manifests, points and logs are per disk index.
  std::vector<size_t> order(disks.size());
  for (size_t i = 0; i < order.size(); ++i) order[mirrors[i].index] = i;
  std::vector<MirroredDisk> sorted_mirrors;
  std::vector<DiskState> sorted_disks;
  std::vector<DiskSpec> sorted_specs;
  for (size_t i : order) {
    sorted_mirrors.push_back(mirrors[i]);
    sorted_disks.push_back(disks[i]);
    sorted_specs.push_back(settings.disks[i]);
  }
  disks = std::move(sorted_disks);
  settings.disks = std::move(sorted_specs);
  return sorted_mirrors;
}

// How many of the VM's disks now (`disk_set`, in its order, of those whose replicas are
// older than the point: FirstPointDisks) a point tagged `tag` holds. The journal the
// point was lost with held its snapshots of the first that many (added disks are last,
// and a removal took its disk out of every point). With the point's disk set: the leading
// disks that are in the set; 0 (no such point) when a disk of the set comes after one
// that is not. Without it (a tag written before tags carried it): the first `disk_count`,
// or every disk when the tag has no count either or a larger one (a disk was removed
// since).
size_t DisksOfPoint(const PointTag& tag, const std::vector<std::string>& disk_set) {
  if (tag.disk_set.empty()) {
    return tag.disk_count == 0 ? disk_set.size() : std::min(tag.disk_count, disk_set.size());
  }
  size_t held = 0;
  while (held < disk_set.size() && std::ranges::find(tag.disk_set, disk_set[held]) != tag.disk_set.end()) ++held;
  for (size_t i = held; i < disk_set.size(); ++i) {
    if (std::ranges::find(tag.disk_set, disk_set[i]) != tag.disk_set.end()) return 0;
  }
  return held;
}

// The VM's disks (their digests, `disk_set`) whose replicas a point of `sequence` can
// hold: those whose first point is not after it, which are leading (an added disk is
// last, and joined after those before it). A name in the point's set that a disk added
// since reuses is another replica, deleted with its snapshots, and not this one.
std::vector<std::string> FirstPointDisks(const std::vector<std::string>& disk_set, const std::vector<DiskState>& disks,
                                         uint64_t sequence) {
  size_t existed = 0;
  while (existed < disks.size() && disks[existed].first_point <= sequence) ++existed;
  return {disk_set.begin(), disk_set.begin() + static_cast<ptrdiff_t>(existed)};
}

// The VM's recovery points, oldest first: the sequences tagged with the VM's id that have
// a snapshot, all tagged alike, on each disk the VM had at the point and has now
// (DisksOfPoint) and whose replica is not newer than the point (FirstPointDisks). A
// point missing one (a crash cut its taking short) is not one; nor is one that holds
// none of the VM's disks now.
Result<std::vector<VmRecoveryPoint>> ReadPoints(ReplicaStore& store, const Guid& vm_id,
                                                const std::vector<DiskState>& disks) {
  const std::vector<std::string> disk_set = DiskSet(disks);
  for (size_t i = 0; i < disk_set.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (disk_set[i] == disk_set[j]) {
        return Error(Code::kInvalidArgument, "replica disks '" + disks[j].replica + "' and '" + disks[i].replica +
                                                 "' have the same digest (" + disk_set[i] +
                                                 "): the points' disk sets cannot tell them apart");
      }
    }
  }
  struct Found {
    PointTag tag;  // the first disk's snapshot's
    VmRecoveryPoint point;
    std::vector<std::vector<std::string>> disk_sets;  // each snapshot's
  };
  std::map<uint64_t, Found> found;
  for (size_t i = 0; i < disks.size(); ++i) {
    HVR_ASSIGN_OR_RETURN(const auto snapshots, store.AsyncListSnapshots(disks[i].replica, use_future).get());
    for (const RecoveryPoint& rp : snapshots) {
      const auto tag = PointTagOf(rp.metadata);
      if (!tag || tag->vm_id != vm_id) continue;
      Found& f = found[tag->sequence];
      VmRecoveryPoint& p = f.point;
      if (p.snapshots.size() != i) continue;  // missing on an earlier disk, or twice on this one
      if (i == 0) f.tag = *tag;
      f.disk_sets.push_back(tag->disk_set);
      p.sequence = tag->sequence;
      p.id = std::to_string(tag->sequence);
      p.source_time = tag->source_time;
      p.created = rp.created;
      p.app_consistent = rp.app_consistent;
      p.snapshots.push_back(rp.id);
      p.disk_sizes.push_back(rp.virtual_size);
    }
  }
  std::vector<VmRecoveryPoint> complete;
  for (auto& entry : found) {
    auto& f = entry.second;
    if (f.point.snapshots.empty()) continue;  // not on the first disk: on none of the VM's now
    const size_t held = DisksOfPoint(f.tag, FirstPointDisks(disk_set, disks, entry.first));
    if (held == 0 || f.point.snapshots.size() < held) continue;
    // Snapshots of one point naming other disks: one is a crashed attempt's, taken before
    // the disks changed, which the point's taking would have replaced.
    const auto differs = [&](const auto& set) { return set != f.tag.disk_set; };
    if (std::any_of(f.disk_sets.begin(), f.disk_sets.begin() + static_cast<ptrdiff_t>(held), differs)) continue;
    // Snapshots past the point's disks are not of it (a crashed attempt's): the point
    // stays what its tag says it holds.
    f.point.snapshots.resize(held);
    f.point.disk_sizes.resize(held);
    complete.push_back(std::move(f.point));
  }
  return complete;
}

// The log each disk's snapshot of `point` was tagged with: what its replica holds. A disk
// added since the point has none.
Result<std::vector<std::string>> PointLogs(ReplicaStore& store, const Guid& vm_id, const VmRecoveryPoint& point,
                                           const std::vector<DiskState>& disks) {
  std::vector<std::string> logs;
  for (size_t i = 0; i < point.snapshots.size(); ++i) {
    HVR_ASSIGN_OR_RETURN(const auto snapshots, store.AsyncListSnapshots(disks[i].replica, use_future).get());
    for (const RecoveryPoint& rp : snapshots) {
      const auto tag = PointTagOf(rp.metadata);
      if (rp.id == point.snapshots[i] && tag && tag->vm_id == vm_id) logs.push_back(tag->log_id);
    }
    if (logs.size() != i + 1) {
      return Error(Code::kInvalidReplicaState, "replica disk '" + disks[i].replica + "': the snapshot of point " +
                                                   point.id + " is gone");
    }
  }
  return logs;
}

// Why the logs of `disk` do not continue what its replica holds, or empty when every log
// since the last applied one is there (the one being written included), closed but the
// newest, chained, of the tracked identity, and less than resending what differs.
Result<std::string> WhyLogsDoNotContinue(const DiskSpec& spec, const DiskState& d) {
  if (!d.last_applied_log) return "no log was applied to replica disk '" + d.replica + "' yet";
  HVR_ASSIGN_OR_RETURN(const auto all, ListTrackedLogs(spec.log_folder, spec.log_name));
  std::vector<HrlHeader> since;
  for (const std::string& path : all) {
    auto header = ReadHrlHeader(path);
    if (!header.ok()) return header.error().message();
    if (header->unique_id == *d.last_applied_log) {
      since.clear();  // this one and those before it are in the replica
      continue;
    }
    since.push_back(std::move(*header));
  }
  for (size_t i = 0; i + 1 < since.size(); ++i) {
    if (!since[i].closed()) return since[i].path + " was never closed (tracking was interrupted)";
  }
  if (Status chained = CheckLogChain(since, d.last_applied_log); !chained.ok()) return chained.error().message();
  HVR_ASSIGN_OR_RETURN(const PendingLogs pending, FindPendingLogs(spec, d));
  Guid identity;
  if (Status tracked = CheckPendingLogs(pending, d, identity); !tracked.ok()) return tracked.error().message();
  if (Status volume = CheckLogVolume(pending, d.replica_size); !volume.ok()) return volume.error().message();
  return std::string();
}

// Whether `state_dir` holds the relationship this very adoption made, finished: the same
// VM on the same storage with the same disks, logs and replicas. A rerun of an adoption
// killed after its last step (before its caller heard) finds it there.
Result<bool> AdoptedAlready(const std::string& state_dir, const ProtectionSettings& input) {
  std::error_code ec;
  if (!std::filesystem::exists(PathFromUtf8(PathIn(state_dir, "settings.json")), ec)) return false;
  HVR_ASSIGN_OR_RETURN(const StateDir dir, StateDir::Open(state_dir, false, true));
  auto state = dir.LoadState();
  if (!state.ok() || !state->protection_complete) return false;  // unfinished: the adoption resumes it
  HVR_ASSIGN_OR_RETURN(const ProtectionSettings saved, dir.LoadSettings());
  const ProtectionSettings asked = WithDefaults(input);
  if (saved.vm_name != asked.vm_name || saved.disks.size() != asked.disks.size()) return false;
  for (size_t i = 0; i < saved.disks.size(); ++i) {
    const DiskSpec &a = saved.disks[i], &b = asked.disks[i];
    if (a.path != b.path || a.log_folder != b.log_folder || a.log_name != b.log_name ||
        a.replica_name != b.replica_name) {
      return false;
    }
  }
  const auto was = ParseStoreTarget(saved.target);
  const auto now = ParseStoreTarget(asked.target);
  return was.ok() && now.ok() && SameStorage(*was, *now);
}

}  // namespace

Result<std::unique_ptr<Session>> Session::Adopt(Engine& engine, const std::string& state_dir,
                                                const ProtectionSettings& input, const AdoptOptions& adopt,
                                                SessionOptions options) {
  // Converges: the same adoption run again after it finished opens what it made; another
  // protection in the directory is refused (CheckProtection) as before.
  HVR_ASSIGN_OR_RETURN(const bool done, AdoptedAlready(state_dir, input));
  if (done) return Open(engine, state_dir, std::move(options));
  HVR_ASSIGN_OR_RETURN(ProtectionCheck check, CheckProtection(engine, state_dir, input, options));
  ProtectionSettings& settings = check.settings;
  const std::string vm = "VM '" + settings.vm_name + "'";
  SessionState state;
  state.owner = Guid::Random();  // a new custody: the agent adopted from is fenced out
  std::string resync_reason;
  const Status read = [&]() -> Status {
    for (size_t i = 0; i < settings.disks.size(); ++i) {
      HVR_ASSIGN_OR_RETURN(DiskState d, CheckSourceDisk(settings.disks[i], i));
      state.disks.push_back(std::move(d));
    }
    HVR_ASSIGN_OR_RETURN(const auto mirrors, ReadMirrors(settings, state.disks, check.existing));
    const MirroredDisk& first = mirrors.front();
    switch (first.state) {
      case ReplicationState::kFailingOver:
      case ReplicationState::kFailedOver:
      case ReplicationState::kFailoverCommitted:
      case ReplicationState::kFailedBack:
        return Error(Code::kInvalidReplicaState, "replica disk '" + state.disks.front().replica + "': the VM is " +
                                                     ReplicationStateName(first.state) +
                                                     " (metadata field 'state'): there is no replication to adopt");
      default:
        break;
    }
    state.vm_id = first.vm_id;
    for (size_t i = 0; i < mirrors.size(); ++i) {
      state.disks[i].tracked_identity = mirrors[i].tracked_identity;
      state.disks[i].first_point = mirrors[i].first_point;
    }
    HVR_ASSIGN_OR_RETURN(state.points, ReadPoints(*check.store, state.vm_id, state.disks));
    if (first.point && (state.points.empty() || state.points.back().sequence < *first.point)) {
      return Error(Code::kInvalidReplicaState, "replica disk '" + state.disks.front().replica +
                                                   "': metadata field 'point' names point " +
                                                   std::to_string(*first.point) + ", which its snapshots do not hold");
    }
    if (state.points.empty()) {
      resync_reason = "adopted before its first recovery point";
      return Ok();
    }
    // The replicas hold the newest point (and perhaps part of the logs after it, which
    // shipping them again overwrites): its logs are the last applied ones.
    const VmRecoveryPoint& newest = state.points.back();
    HVR_ASSIGN_OR_RETURN(const auto logs, PointLogs(*check.store, state.vm_id, newest, state.disks));
    for (size_t i = 0; i < logs.size(); ++i) {
      DiskState& d = state.disks[i];
      if (logs[i].empty() || logs[i] == "none") continue;
      auto id = Guid::Parse(logs[i]);
      if (!id.ok()) {
        return Error(Code::kInvalidReplicaState, "replica disk '" + d.replica + "': the snapshot of point " +
                                                     newest.id + " names log '" + logs[i] + "' (tag field 'log_id')");
      }
      d.last_applied_log = *id;
      if (first.point == newest.sequence && mirrors[i].last_applied_log != d.last_applied_log) {
        return Error(Code::kInvalidReplicaState,
                     "replica disk '" + d.replica + "': metadata field 'log_id' (" +
                         (mirrors[i].last_applied_log ? mirrors[i].last_applied_log->ToString() : "none") +
                         ") is not the log of point " + newest.id + " (" + logs[i] + ")");
      }
    }
    state.next_point = newest.sequence + 1;
    state.last_cycle = newest.source_time;
    if (first.state != ReplicationState::kReplicating) {
      resync_reason = std::string("adopted while ") + ReplicationStateName(first.state);
      return Ok();
    }
    if (adopt.resync) {
      resync_reason = "adopted; an operator asked for a resync";
      return Ok();
    }
    for (size_t i = 0; i < state.disks.size() && resync_reason.empty(); ++i) {
      HVR_ASSIGN_OR_RETURN(const std::string why, WhyLogsDoNotContinue(settings.disks[i], state.disks[i]));
      if (!why.empty()) resync_reason = "adopted, and the logs do not continue the replica: " + why;
    }
    return Ok();
  }();
  if (!read.ok()) return read.error().WithContext(vm);
  state.protection_complete = false;
  state.statistics.since = state.lifetime_statistics.since = engine.clock().Now();
  state.state = resync_reason.empty() ? ReplicationState::kReplicating : ReplicationState::kResyncRequired;
  state.resync_reason = resync_reason;
  state.resync_by_hand = !resync_reason.empty();  // due at once, whatever the window

  HVR_ASSIGN_OR_RETURN(auto impl, Impl::Create(engine, state_dir, check, state, std::move(options)));
  Impl& s = *impl;
  const Status adopted = s.RunJob(JobType::kEnableProtection, false, [&](RunningJob& job) -> Status {
    job.Step("take over the replicas' leases");
    std::vector<std::string> names;
    for (const DiskState& d : state.disks) names.push_back(d.replica);
    HVR_RETURN_IF_ERROR(s.leases->TakeOver(names));
    job.Step("record the new owner in the replicas");
    HVR_RETURN_IF_ERROR(s.Mirror());
    HVR_RETURN_IF_ERROR(s.Commit([](SessionState& st) { st.protection_complete = true; }));
    job.Summary("adopted " + std::to_string(state.disks.size()) + " replica disks in " + s.store->description() +
                " with " + std::to_string(state.points.size()) + " recovery points; " +
                (resync_reason.empty() ? std::string("delta cycles continue from the last applied logs")
                                       : "a resync compares the replicas: " + resync_reason));
    return Ok();
  });
  if (!adopted.ok()) return adopted.error();
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

}  // namespace hvr
