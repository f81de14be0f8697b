// Recovery points of a VM: how a point is recorded on each replica disk's snapshot, which
// points retention keeps, and RecoveryPoints, which takes and prunes them in the store and
// the journal (docs/session.md "Recovery points").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"
#include "hvr/protection.hpp"
#include "hvr/store.hpp"
#include "hvr/vm_recovery_point.hpp"
#include "session/journal.hpp"
#include "session/session_state.hpp"

namespace hvr {

// What each disk's snapshot of a VM point carries in its metadata, so that the store
// alone says which snapshots make up which point (a crash between taking snapshots and
// recording them leaves no doubt).
struct PointTag {
  Guid vm_id;
  uint64_t sequence = 0;
  TimePoint source_time;
  // The UniqueId of the newest log the point contains; empty for a point made without
  // logs (the first point after a copy from a checkpoint with nothing logged).
  std::string log_id;
  // How many disks the VM had at the point (its snapshots are on the first that many, the
  // added disks being last), so that adopting after a disk was added knows which points
  // are whole; 0 in a tag written before points carried it ("disks" absent).
  size_t disk_count = 0;
  // Which disks the VM had at the point, in its order: DiskDigest of each replica's name.
  // A count alone cannot tell a point from before a removal that an addition followed;
  // the set can. Empty in a tag written before points carried it ("disk_set" absent).
  std::vector<std::string> disk_set = {};
};

// A replica disk's identity in a point's disk set: 16 hex digits of the XXH3-64 of its
// name. Names are up to 128 characters and a VM has up to 65 disks, which would not fit
// the 8 KiB of a snapshot's metadata; 17 bytes a disk do, and 64 bits leave two disks of
// one VM with the same digest out of reach.
std::string DiskDigest(const std::string& replica);
// The digests of `disks`' replicas, in their order.
std::vector<std::string> DiskSet(const std::vector<DiskState>& disks);

Metadata ToMetadata(const PointTag& tag);
// nullopt for snapshots hvr did not tag.
std::optional<PointTag> PointTagOf(const Metadata& metadata);

// Retention: the points to delete (by sequence) from `points` (oldest first) at `now`.
// The newest point always stays. Points older than `history` go. Of the rest, every point
// of the last hour stays; older ones are thinned to the newest of each hour plus every
// app-consistent one, as Hyper-V Replica keeps one additional point per hour.
std::vector<uint64_t> PointsToPrune(const std::vector<VmRecoveryPoint>& points, TimePoint now,
                                    std::chrono::hours history);

// The point an operator names: "latest", "latest-app-consistent" (or
// "latest_app_consistent"), or an id. kNotFound when there is none.
Result<VmRecoveryPoint> ChoosePoint(const std::vector<VmRecoveryPoint>& points, const std::string& which);

// The VM's points where they live: one tagged snapshot per replica disk in the store, and
// the list in the journal; beside them, the journal's essentials mirrored into the
// replicas' metadata. The store and the settings are the session's of the moment (a
// change of settings replaces them), so each call is given them.
class RecoveryPoints {
 public:
  explicit RecoveryPoints(Journal& journal) : journal_(journal) {}

  // One snapshot per disk tagged with `sequence`; snapshots a crashed attempt left with
  // the same logs are taken over, others with the same sequence replaced. Recording the
  // point in the journal is the caller's, with what else its operation changes.
  Result<VmRecoveryPoint> Take(ReplicaStore& store, uint64_t sequence, TimePoint source_time, bool app_consistent,
                               const std::vector<std::string>& log_ids) const;
  // Retention at `now` (PointsToPrune): the points it drops forgotten in the journal
  // first, so that a point half deleted is never offered for failover; then every
  // snapshot of ours that no kept point names.
  Status Prune(ReplicaStore& store, TimePoint now, std::chrono::hours history);
  // The essentials of the state on each replica disk (replica_mirror.hpp), for another
  // host to resume from.
  Status Mirror(ReplicaStore& store, const ProtectionSettings& settings) const;

 private:
  Journal& journal_;
};

}  // namespace hvr
