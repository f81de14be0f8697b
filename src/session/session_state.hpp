// What a session remembers between runs: its journal, saved as state.json in the form
// journal_json.hpp gives it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"
#include "hvr/protection.hpp"
#include "hvr/replication_state.hpp"
#include "hvr/replication_statistics.hpp"
#include "hvr/retry.hpp"
#include "hvr/vm_recovery_point.hpp"

namespace hvr {

// One replicated disk.
struct DiskState {
  std::string source;         // the protected disk's path (failback to another place moves it)
  uint64_t source_size = 0;   // its virtual size
  std::string replica;        // the replica disk's name
  uint64_t replica_size = 0;  // its virtual size (whole MiB)
  // While the replica grows to follow its source (disk_growth.cc): the size it grows to;
  // 0 otherwise. A crash leaves it to the next run, which grows the replica again.
  uint64_t growing_to = 0;
  // The DataWriteGuid the disk's logs must carry (Vhd2DataWriteGuid); zero: take it from
  // the next log. A log carrying another one means the disk was written untracked.
  Guid tracked_identity;
  // The UniqueId of the newest log applied to the replica; unset: the next log is
  // accepted without a chain check (the first after a checkpoint).
  std::optional<Guid> last_applied_log;
  // Closed logs that a copy from a checkpoint made obsolete: never applied, deleted once
  // the copy's recovery point exists.
  std::vector<std::string> obsolete_logs;
  // The point-in-time view being copied, while a checkpoint is active.
  std::string frozen_path;
  uint64_t sync_done = 0;   // bytes of the current copy or resync examined...
  uint64_t sync_total = 0;  // ...of these
  uint64_t bytes_sent = 0;
  uint64_t pending_log_bytes = 0;
  // The replica's ETag (DiskProperties::etag) as hvr's last write left it, recorded at
  // the end of every operation that writes the replica; empty while one writes it (a
  // write a crash cut short is hvr's own) and before the first. A replica whose ETag is
  // another was written by someone else: its manifest no longer says what it holds.
  std::string replica_etag;
  // The next resync reads the replica instead of trusting its manifest (an operator asked).
  bool verify_replica = false;
  // The replica held a copy of the source before protection (Protect with seed): the
  // initial copy reads and compares it instead of taking it for zeros.
  bool seeded = false;
  // The sequence of the first VM point that can hold the disk: the VM's next point when
  // an addition made it one of the VM's disks, 0 for those protected with the VM. A point
  // before it is older than the replica, even when its disk set names the replica's name
  // (a replica of that name deleted since: "--remove-disk --delete-replica", then added
  // again under the name). Mirrored into the replica, where adopting reads it.
  uint64_t first_point = 0;
};

// A failover (or test failover) to disks in the target, from one recovery point.
struct FailoverState {
  VmRecoveryPoint point;
  bool planned = false;
  std::vector<std::string> disks;  // the failed-over disks in the target
  // Per disk, a snapshot taken of it before the VM starts on it: what the Azure VM
  // changed since is what failback has to bring back.
  std::vector<std::string> base_snapshots;
  // Planned failovers: the on-premises disks' DataWriteGuid after the shut down. A disk
  // that still has it holds the failed-over point exactly.
  std::vector<Guid> source_identities;
  bool vm_created = false;  // the host's CreateAzureVm returned
};

// Failback to on-premises disks: the original ones or new ones in a folder.
struct FailbackState {
  std::string folder;               // empty: the original disks
  std::vector<std::string> paths;   // per disk, where it comes back to
  // Per disk, the snapshot of the failed-over disk the destination equals (the last
  // sync's), and the destination's DataWriteGuid after that sync wrote it: when the
  // destination still carries it, only what changed since the snapshot needs copying.
  std::vector<std::string> synced_snapshots;
  std::vector<Guid> synced_identities;
  uint64_t syncs = 0;
  // Completing: the Azure VM was stopped; the last sync is done; the replica holds the
  // failback point; the on-premises VM was started.
  bool azure_vm_stopped = false;
  bool final_sync_done = false;
  bool replica_seeded = false;
  bool vm_started = false;
};

// A disk being taken out of protection (Session::RemoveDisk), recorded before any of it
// happens: until it is cleared, opening the session leaves the disk out of the settings
// and the state whichever of the two a crash left holding it, and RemoveDisk run again
// finishes what is left (the lease, the tracking, the logs, the replica).
struct DiskRemoval {
  DiskSpec disk;
  bool delete_replica = false;
};

// A disk being added to protection (Session::AddDisk), recorded once its checks passed
// and before anything is made: until it is cleared, in the same commit that makes the
// disk one of the VM's, the disk is in neither the settings nor the state (opening the
// session leaves it out of settings a crash saved with it), and AddDisk run again
// finishes what is left: its replica, the host's checkpoint, the copy of the disk's
// frozen view, the merge, the join.
struct DiskAddition {
  DiskSpec disk;
  // What joins the state: the source checked, its replica, the logs the checkpoint made
  // obsolete, the frozen view and the identity its tracker stamps, the bytes sent.
  DiskState state;
  bool checkpoint_requested = false;  // the obsolete logs were listed, the host asked
  bool checkpoint_active = false;     // the host holds the checkpoint this copy reads
  // A failed attempt gave its checkpoint up: it is merged before anything else, and the
  // next attempt takes a new one (a kill during the merge never leaves the merged, live
  // disk taken for a frozen view).
  bool checkpoint_stale = false;
  // The replica holds part of an earlier checkpoint's view: the copy sends whole chunks.
  bool earlier_view_sent = false;
  bool copy_done = false;  // the frozen view reached the replica
  // The operator gave the addition up (RemoveDisk naming the disk): its checkpoint is
  // given up as a failed attempt's is, its replica let go (deleted with
  // `delete_replica`), its tracking and logs stopped, and the record cleared last. Until
  // then RemoveDisk and AddDisk finish that rather than the addition.
  bool abandoned = false;
  bool delete_replica = false;
};

// Whether the host may hold the addition's checkpoint: taken, given up but perhaps not
// merged, or asked for by an attempt a kill cut short before the answer was recorded.
inline bool MayHoldCheckpoint(const DiskAddition& a) {
  return a.checkpoint_requested || a.checkpoint_active || a.checkpoint_stale;
}

struct SessionState {
  static constexpr int kVersion = 1;

  // Counts in the statistics since the last reset and in those since protection.
  template <typename Change>
  void Count(Change change) {
    change(statistics);
    change(lifetime_statistics);
  }

  Guid vm_id;
  // Enable protection finished: the replica disks exist and their leases were taken.
  // (The lease id is the agent's, never kept here: agent_identity.hpp.)
  bool protection_complete = false;
  // This relationship's custody of the replicas: made by Protect and by each Adopt, and
  // mirrored into the replicas' metadata. A replica that names another owner was adopted
  // by another agent, and this relationship never writes it again (replica_mirror.hpp).
  // Zero for a relationship made before owners existed.
  Guid owner;
  ReplicationState state = ReplicationState::kEnabled;
  // The host was asked for a checkpoint (the obsolete logs were listed before): a crash
  // before the answer was recorded asks again, keeping that list.
  bool checkpoint_requested = false;
  bool checkpoint_active = false;  // the host holds a checkpoint for a copy in progress
  // The copy gave that checkpoint up for a newer one (see session_sync.cc): the host is
  // merging it, and its view may no longer be read as frozen.
  bool checkpoint_stale = false;
  std::optional<TimePoint> checkpoint_time;
  // The copy from the checkpoint has begun applying the logs written meanwhile: the
  // replica may now hold data that is not the frozen view's.
  bool catch_up_started = false;
  // Every disk of the checkpoint's view reached the replica: a catch-up that failed starts
  // again from there instead of comparing the whole view once more.
  bool copy_done = false;
  std::string resync_reason;
  bool resync_by_hand = false;  // an operator asked: it runs at once, whatever the window
  uint64_t next_point = 1;
  uint64_t next_job = 1;
  std::vector<VmRecoveryPoint> points;  // oldest first
  std::optional<TimePoint> last_cycle;  // start of the last delta cycle that completed
  std::optional<TimePoint> last_app_consistent;
  // Recoverable errors being retried (the retry policy's history), kept across restarts
  // so that a restart neither forgets the back-off nor retries early.
  std::optional<FailureHistory> failure;
  std::optional<Error> critical;        // a non-recoverable error: an operator must act
  uint64_t cycles = 0;
  std::optional<TimePoint> last_cycle_attempt;  // when the last delta cycle started
  // Since the last reset, and since protection (never reset).
  ReplicationStatistics statistics;
  ReplicationStatistics lifetime_statistics;
  std::vector<DiskState> disks;
  std::optional<FailoverState> failover;       // the VM runs (or ran) from these disks
  std::optional<FailoverState> test_failover;  // copies for a test, until cleaned up
  std::optional<FailbackState> failback;
  // An operator suspended replication at this time; unset while it runs.
  std::optional<TimePoint> suspended_since;
  // Protection is being removed (Unprotect began; with the replicas when
  // `removing_replicas`): nothing replicates any more, and Unprotect run again finishes.
  bool removing = false;
  bool removing_replicas = false;
  std::optional<DiskRemoval> disk_removal;
  std::optional<DiskAddition> disk_addition;
  bool failover_committed = false;  // the failover's recovery points were deleted
  bool failback_committed = false;  // the failed-over disks were deleted
};

// Whether the host may hold a checkpoint of the VM: one a copy from a checkpoint (initial
// replication, resync) or a disk addition may hold (MayHoldCheckpoint above). Merging
// none is nothing to the host, so whoever ends them all merges when this says so.
inline bool MayHoldCheckpoint(const SessionState& s) {
  return s.checkpoint_requested || s.checkpoint_active || s.checkpoint_stale ||
         (s.disk_addition && MayHoldCheckpoint(*s.disk_addition));
}

// The virtual size replica `disk` had at `point`: as the point records it, else (a point
// from before points recorded sizes, which no disk grew since) the replica's size now.
uint64_t PointDiskSize(const VmRecoveryPoint& point, const SessionState& state, size_t disk);
// Gives every point that records no sizes the replicas' sizes now, which are theirs:
// what a disk's growth does first, so that the points before it keep their sizes.
void RecordPointSizes(SessionState& state);

// A disk removal a crash cut short (SessionState::disk_removal) leaves the disk in the
// settings, the state, or both: this takes it out of whichever holds it, and out of the
// recovery points, so that the two describe the same disks in the same order.
void LeaveOutRemovedDisk(ProtectionSettings& settings, SessionState& state);
// The state alone (a read-only session reading the journal afresh: journal.hpp).
void LeaveOutRemovedDisk(SessionState& state);

}  // namespace hvr
