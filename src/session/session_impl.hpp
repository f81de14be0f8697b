// The inside of hvr::Session, shared by the files that implement its operations:
// session.cc (running a job, the entry points), session_open.cc (protecting, opening),
// session_status.cc (the status, what is due), session_sync.cc (initial replication and
// resync), session_cycle.cc (delta cycles), session_schedule.cc (running what is due),
// recovery_points.cc (taking, pruning and mirroring points: RecoveryPoints),
// replica_guard.cc (whether a replica still holds what hvr wrote), and the others each
// section below names.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hvr/cancel.hpp"
#include "hvr/disk.hpp"
#include "hvr/engine.hpp"
#include "hvr/event.hpp"
#include "hvr/extent_map.hpp"
#include "hvr/manifest.hpp"
#include "hvr/session.hpp"
#include "session/job_log.hpp"
#include "session/lease_keeper.hpp"
#include "session/log_shipping.hpp"
#include "session/journal.hpp"
#include "session/operator_request.hpp"
#include "session/recovery_points.hpp"
#include "session/session_state.hpp"
#include "session/state_dir.hpp"

namespace hvr {

// States in which replication runs by itself: those that can be suspended, and whose
// disks can change.
inline bool ReplicatesByItself(ReplicationState state) {
  switch (state) {
    case ReplicationState::kEnabled:
    case ReplicationState::kInitialReplication:
    case ReplicationState::kReplicating:
    case ReplicationState::kResyncRequired:
    case ReplicationState::kResynchronizing:
      return true;
    default:
      return false;
  }
}

// What replication asks of a SAS: read (verify, failover), add and create (disks,
// recovery points), write (pages, metadata, leases), delete (pruned points, removed
// disks) and list (disks, points).
inline constexpr std::string_view kReplicationPermissions = "racwdl";

// A disk addition a crash cut short (SessionState::disk_addition) may have saved the
// settings with the disk while the state does not have it yet: this leaves it out of
// them until the addition finishes.
void LeaveOutAddedDisk(ProtectionSettings& settings, const SessionState& state);
// kInvalidReplicaState while a disk addition is pending: initial replication and resyncs
// (which checkpoint the VM) wait for it.
Status RequireNoDiskAddition(const SessionState& state);

// Why the disks of the VM cannot change now (RemoveDisk, AddDisk), or empty when they can.
std::string WhyDisksCannotChange(const SessionState& state);
// The replica names of the VM's disks, for messages: "vm-disk0, vm-disk1".
std::string DiskNames(const ProtectionSettings& settings);

// The engine's store for the target of `settings`, with the options they ask for.
Result<std::shared_ptr<ReplicaStore>> StoreFor(Engine& engine, const ProtectionSettings& settings,
                                               const SessionOptions& options);

// What Protect and Adopt check before either saves anything (all or nothing): the
// options and settings, the target's grants, a state directory that exists (locked;
// empty, or holding a protection that did not finish), the encryption key, and the
// target reached with the credentials proven by listing its disks.
struct ProtectionCheck {
  ProtectionSettings settings;           // with defaults
  std::optional<StateDir> dir;           // when it existed
  SessionState unfinished;               // the protection that did not finish in it, or empty
  std::shared_ptr<ReplicaStore> store;
  std::vector<DiskProperties> existing;  // the target's disks
};
Result<ProtectionCheck> CheckProtection(Engine& engine, const std::string& state_dir, const ProtectionSettings& input,
                                        const SessionOptions& options);

// Source disk `index` of a VM as `spec` names it: opened (format, checksums, parent
// chain) and within Azure's limits, with the size its replica needs.
Result<DiskState> CheckSourceDisk(const DiskSpec& spec, size_t index);

// A copy from a checkpoint, as far as it got: the frozen views it read, and the replica
// manifests that now describe them.
struct CheckpointCopy {
  std::vector<std::unique_ptr<DiskReader>> frozen;
  std::vector<Manifest> manifests;
  uint64_t bytes_sent = 0;
};

// The logs written during a copy, applied on top of it: what its recovery point records.
struct CatchUpResult {
  std::vector<PendingLogs> pending;
  std::vector<std::string> log_ids;
  std::vector<Guid> identities;
  std::vector<uint64_t> bytes_sent;
  TimePoint source_time;
};

// A delta cycle between its steps (session_cycle.cc).
struct CycleRun {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  TimePoint attempt;  // when it started, by the session's clock (set by Cycle)
  bool quiesce = false;  // an app-consistent point is due
  RotateResult rotated;
  // Measured after the rotation: each source's size, and the size its replica needs.
  std::vector<uint64_t> source_sizes;
  std::vector<uint64_t> replica_sizes;
  std::vector<PendingLogs> pending;  // one per disk
  std::vector<Guid> identities;      // the DataWriteGuid each disk's logs carry
  // What was shipped: the newest log of each disk (or the last applied one, when it had
  // none), the bytes sent per disk, and the source's moment the newest log holds.
  std::vector<std::string> log_ids;
  std::vector<uint64_t> sent;
  TimePoint source_time{};
};

struct Session::Impl {
  Impl(Engine& engine, StateDir dir, ProtectionSettings settings, SessionOptions options, SessionState state,
       std::vector<Job> jobs);

  // --- protecting and opening (session_open.cc) ---
  // The relationship kept in `dir`, its store open: for running it (leases kept, jobs a
  // previous process left running marked interrupted) unless `read_only`.
  // `complete_only`: kInvalidReplicaState for a protection that did not finish.
  static Result<std::unique_ptr<Impl>> Load(Engine& engine, StateDir dir, SessionOptions options, bool read_only,
                                            bool complete_only);
  // A new relationship that passed `check`: the state directory made (unless it
  // existed), the settings and `state` saved, the store open, leases ready to take.
  static Result<std::unique_ptr<Impl>> Create(Engine& engine, const std::string& state_dir, ProtectionCheck& check,
                                              const SessionState& state, SessionOptions options);

  Engine& engine;
  StateDir dir;
  // Defaults filled in. Changed only by operations (failback to another folder, a change
  // of settings), which run one at a time; others read it under settings_mu (SettingsNow).
  ProtectionSettings settings;
  const SessionOptions options;
  HostActions& host;
  const Clock& clock;
  // Replaced only by a change of settings, under settings_mu; others read it so (StoreNow).
  std::shared_ptr<ReplicaStore> store;
  std::unique_ptr<LeaseKeeper> leases;  // writable sessions only
  // Makes `leases`, in this agent's lease id for this directory (agent_identity.hpp).
  Status StartLeases();
  JobLog job_log;
  std::vector<ExtentMap> maps;  // one per disk, reused cycle after cycle

  std::mutex operation_mu;  // one operation at a time
  mutable std::mutex settings_mu;
  // Its commits are announced as events (Announce).
  Journal journal;

  // --- the journal, and what operations may change meanwhile ---
  // Shorthands for journal.Snapshot() and journal.Commit(), which every operation uses.
  SessionState Snapshot() const { return journal.Snapshot(); }
  Status Commit(const std::function<void(SessionState&)>& change) { return journal.Commit(change); }
  ProtectionSettings SettingsNow() const;
  std::shared_ptr<ReplicaStore> StoreNow() const;
  HostVm Vm() const;
  int Buffers() const;
  // How log data goes to the replicas (buffers, joins across zeros, cancellation).
  ApplyOptions ApplyOptionsFor(const CancelToken* cancel) const;
  // How far writes join across zeros now (LinkModel::JoinGap).
  uint64_t JoinGap() const;

  // --- what the session shows: StatusOf and NextDueOf (session_status.cc) of the journal,
  // with what only the open session knows (session.cc, session_schedule.cc) ---
  SessionStatus CurrentStatus() const;
  std::optional<TimePoint> NextDue() const;
  std::optional<JobProgress> Progress() const;

  // --- events (session_events.cc) ---
  // Tells options.on_event what a commit changed from `before` to `after`, then whether
  // health changed; on the thread that committed.
  void Announce(const SessionState& before, const SessionState& after);
  // Health changes with time too (the RPO grows): RunDue looks at it on every call.
  void AnnounceHealth();
  // The job observer: options.on_job, and the end of each step of a failover as an event.
  void OnJob(const Job& job);
  void Emit(Event event);
  std::mutex event_mu;
  std::optional<Health> announced_health;  // under event_mu; set when the session opens
  std::string announced_job;               // the failover job whose steps were announced...
  size_t announced_steps = 0;              // ...and how many; under event_mu

  // --- operations (session.cc) ---
  // Runs `body` as a job of `type` holding the operation lock, an engine turn and the
  // replica leases. `replication` operations (which start over safely) are run again
  // after transient failures (SessionOptions::operation_retry_delays, waiting unless
  // `cancel` is cancelled) and feed the retry history.
  Status RunJob(JobType type, bool replication, const std::function<Status(RunningJob&)>& body,
                const CancelToken* cancel = nullptr);
  // kInvalidReplicaState while an operator suspended replication or protection is being
  // removed: what replication operations check before they start.
  Status RequireReplicationAllowed() const;
  // Records how a replication attempt that started at `started` ended.
  void RecordOutcome(const Status& result, TimePoint started);
  // One attempt's failure on the network, in the statistics.
  void CountNetworkFailure(const Status& attempt);
  // Work a crash left between two steps of a finished copy: merging the checkpoint,
  // deleting obsolete logs.
  Status FinishLeftovers(RunningJob& job);
  // `verify_replicas`: the resync reads every replica instead of trusting the manifests.
  Status MarkForResync(const std::string& reason, bool by_hand, bool verify_replicas = false);

  // --- manifests ---
  Result<Manifest> LoadManifest(size_t disk, bool zeros_when_missing) const;
  Status SaveManifest(size_t disk, const Manifest& manifest) const;

  // --- recovery points (recovery_points.cc), in the store and the settings of the moment ---
  RecoveryPoints recovery_points;
  // RecoveryPoints::Take.
  Result<VmRecoveryPoint> TakePoint(uint64_t sequence, TimePoint source_time, bool app_consistent,
                                    const std::vector<std::string>& log_ids);
  // RecoveryPoints::Prune, with the settings' history.
  Status Prune();
  // RecoveryPoints::Mirror, then the replicas' ETags recorded (replica_guard.cc): it is
  // the last write of every operation that writes the replicas.
  Status Mirror();

  // --- what hvr left in the replicas (replica_guard.cc) ---
  Result<std::string> ReplicaEtag(const std::string& replica) const;
  // Records each replica's ETag as hvr's last write left it.
  Status RecordReplicaEtags();
  // Before a cycle writes the replicas: kResyncRequired when one was written by someone
  // else since hvr recorded its ETag; otherwise forgets the ETags, hvr writing now.
  Status BeginReplicaWrites();
  // Before a resync writes replica `disk`: when an operator asked to verify it, or it was
  // written by someone else, makes `manifest` unknown throughout (saved) so that the
  // replica's content is read; returns why, or empty when the manifest is trusted. Forgets
  // the ETag, hvr writing now.
  Result<std::string> TrustManifest(size_t disk, Manifest& manifest);

  // --- the copy from a checkpoint (session_sync.cc) ---
  Status Synchronize(RunningJob& job, bool initial, const CancelToken* cancel);
  // Its steps: the host's point-in-time view; each disk brought to that view; the logs
  // written meanwhile on top (empty when they outgrew half a disk and `apply_any` is
  // false: a newer view then costs less); giving up a view for a newer one.
  Status TakeCheckpoint(RunningJob& job, bool initial);
  Result<CheckpointCopy> CopyCheckpoint(RunningJob& job, bool initial, const CancelToken* cancel);
  // The views and manifests of a copy that finished before its catch-up failed.
  Result<CheckpointCopy> ReopenCopy(RunningJob& job);
  Result<std::optional<CatchUpResult>> CatchUp(RunningJob& job, CheckpointCopy& copy, bool apply_any,
                                               const CancelToken* cancel);
  Status DropStaleCheckpoint(RunningJob& job);

  // --- delta cycles (session_cycle.cc) ---
  Result<CycleReport> Cycle(RunningJob& job, const CancelToken* cancel);

  std::string NextJobId();

  // --- a source disk's size (disk_growth.cc) ---
  // The size replica `disk` must have for its source measuring `source_size` bytes: its
  // own, or the larger one a source that grew needs. kInvalidReplicaState naming the disk
  // and both sizes when the source shrank; Azure's limit (CheckDiskSize) when it grew past it.
  Result<uint64_t> ReplicaSizeNeeded(size_t disk, uint64_t source_size) const;
  // ReplicaSizeNeeded for every disk, measuring the sources now (`source_sizes` receives
  // what they measure); nothing is changed.
  Result<std::vector<uint64_t>> CheckSourceSizes(std::vector<uint64_t>& source_sizes) const;
  // Grows replica `disk` to `replica_size` for a source of `source_size` bytes, or
  // finishes a growth a crash cut short: journalled, grown in the store, its manifest
  // (`manifest`, else the saved one) extended with zero chunks, then recorded. Call it
  // where the replicas are being written (their ETags forgotten).
  Status FollowSourceSize(RunningJob& job, size_t disk, uint64_t source_size, uint64_t replica_size,
                          Manifest* manifest);

  // --- disks while protected (disk_removal.cc) ---
  // The removal state.disk_removal journals, from wherever a crash left it: the disk
  // leaves the settings, the state and the points, then its lease, its tracking, its logs
  // and (when asked) its replica go, and last the record. Returns what was done.
  Result<std::string> FinishDiskRemoval(RunningJob& job);
  // What letting a disk go takes, a removal's steps, shared with an addition given up:
  // The lease of `replica` taken and let go (a crashed process's lease is ours again at
  // once); kConflict when another agent holds it; nothing when the replica is gone.
  Status ReleaseLease(const std::string& replica);
  // The host stops tracking `disk` alone (the VM's others go on) and its tracking logs
  // are deleted; returns how many.
  Result<size_t> StopTrackingDisk(RunningJob& job, const DiskSpec& disk);
  // With `delete_replica`, `replica` is deleted with its snapshots; its manifest goes
  // either way.
  Status ForgetReplica(RunningJob& job, const std::string& replica, bool delete_replica);
  // The addition the operator gave up (state.disk_addition, abandoned), from wherever a
  // crash left it (disk_addition_abandon.cc): its checkpoint given up, its replica let go
  // (kept, or deleted when asked and this relationship made it), its tracking stopped and
  // its logs deleted, the settings without it, the record cleared. Returns what was done.
  Result<std::string> FinishAbandonedAddition(RunningJob& job);
  // The addition state.disk_addition journals, from wherever a crash left it (disk_addition.cc):
  // the replica made and leased, the host's checkpoint, the copy of the disk's frozen view
  // (resumed from its manifest), the merge, the disk joining the settings and the state,
  // and the mirror. Returns what was done.
  Result<std::string> FinishDiskAddition(RunningJob& job);
  // Its replica made (carrying the mirror of `joined`, the VM with the disk) and leased,
  // then, unless the VM's initial copy takes the disk with the others, CopyAddedDisk.
  Status CreateAndCopyAddedDisk(RunningJob& job, const ProtectionSettings& joined, const SessionState& joined_state,
                                bool copied_with_the_vm, uint64_t& sent);
  // Its checkpoint taken (unless taken already) and its frozen view copied to the replica;
  // `sent` is what this attempt sent.
  Status CopyAddedDisk(RunningJob& job, uint64_t& sent);
  // The checkpoint whose view was copied, merged.
  Status MergeAdditionCheckpoint(RunningJob& job);
  // Changes the journalled addition (state.disk_addition, which must exist).
  Status CommitAddition(const std::function<void(DiskAddition&)>& change);
  // A failed attempt's checkpoint given up: journalled, merged, and asked for anew next time.
  Status GiveUpAdditionCheckpoint(RunningJob& job);
  // The VM as the host knows it with the disk being added last: its checkpoint covers it.
  HostVm VmWithAddedDisk() const;

  // --- failover and failback (session_failover.cc, session_failback.cc) ---
  Result<FailoverVm> FailoverTo(RunningJob& job, const FailoverOptions& options);
  Result<FailoverVm> CopyPointTo(RunningJob& job, const VmRecoveryPoint& point, const char* suffix, bool test,
                                 bool planned, std::vector<std::string>* base_snapshots);
  FailoverVm DescribeFailover(const FailoverState& failover, bool test) const;
  // A read-only session's failover: asks the process holding the directory, and waits
  // for its answer (or for it to stop).
  Result<FailoverVm> FailoverElsewhere(const FailoverOptions& request);
  // Before commit: the VM failed over goes, and the failover resumes at `point`.
  Status ChangeFailoverPoint(RunningJob& job, const VmRecoveryPoint& point);
  Result<FailbackReport> Failback(RunningJob& job, const FailbackOptions& options, bool complete);
  // kConflict naming the VM while the host says the on-premises VM runs.
  Status RequireVmOff();
  Result<FailbackDiskReport> SyncBack(size_t disk, FailbackState& failback, const CancelToken* cancel);

  // --- the life of a protection (session_lifecycle.cc, session_requests.cc) ---
  // Removal of protection up to the state directory, which the caller removes: leases,
  // tracking, tracking logs and, when asked, the replicas (a job).
  Status RemoveProtection(const UnprotectOptions& options);
  // A read-only session's operator request: asked of the process holding the directory,
  // waiting for its answer; or, when none holds it, run here on the directory taken for
  // the operation's time (docs/session.md "Beside a running replication").
  Status AskOrRun(const OperatorRequest& request);
  // Set once this process removed the protection (an operator's request it served): the
  // session does nothing more.
  std::atomic<bool> removed{false};

 private:
  // --- the steps of a delta cycle (session_cycle.cc) ---
  // Refuses a VM not replicating, counts the cycles missed since the last attempt, holds
  // the leases, finishes what a crash left, and decides whether the point is quiesced.
  Status StartCycle(RunningJob& job, CycleRun& run);
  // The host closes the logs; the sources are measured after.
  Status RotateCycleLogs(CycleRun& run);
  // The closed logs past the last applied one, leftovers deleted; false when there are none
  // (the cycle then succeeded without a point).
  Result<bool> FindCycleLogs(CycleRun& run, CycleReport& report);
  // Before anything is written: the logs' chain, identity and volume, the replicas' ETags,
  // and the replicas of sources that grew grown.
  Status PrepareCycleWrites(RunningJob& job, CycleRun& run);
  // Disk `i`'s logs coalesced and written to its replica, its manifest kept in step.
  Status ShipDiskLogs(RunningJob& job, size_t i, CycleRun& run, CycleReport& report, const CancelToken* cancel);
  // The point taken and recorded with the cycle's statistics and the logs it shipped.
  Result<VmRecoveryPoint> RecordCyclePoint(const CycleRun& run, const CycleReport& report);

  // --- the steps of a failback (session_failback.cc) ---
  // Refuses a VM not failed over (or one whose point lacks disks) and a running
  // on-premises VM the syncs would write under; records where the failback goes on its
  // first run, and refuses another destination on later ones.
  Status StartFailback(const FailbackOptions& request, bool complete);
  // Every disk brought to what the Azure VM's disk holds now, and the sync counted.
  Status SyncDisksBack(RunningJob& job, FailbackState& failback, bool complete, FailbackReport& report);
  // The replicas replaced by copies of the last sync's snapshots, inside the target, with
  // their manifests, the VM's old points forgotten and the settings following the disks.
  Status MakeReplicaTheFailbackPoint(const SessionState& s, FailbackState& failback);
};

}  // namespace hvr
