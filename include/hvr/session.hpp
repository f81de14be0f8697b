// A replication session: one protected VM, from enabling protection through initial
// replication, delta cycles, recovery points, resynchronization and retries
// (docs/session.md explains the design; this header is the contract).
//
// A session keeps its state in a state directory (a crash-safe journal: checksummed
// files replaced atomically) and mirrors the essentials into the replica disks' metadata.
// Every operation is a job, resumable after a crash: initial replication and resync
// continue where they stopped without resending what the replica holds; a delta cycle
// interrupted anywhere is repeated whole and idempotently; no replica log is deleted
// before the recovery point that contains it exists.
//
// Threads: operations run on the calling thread (which blocks, and takes a turn from the
// engine) and one at a time per session; status(), jobs() and recovery_points() may be
// called from any thread at any time. Only the process holding the state directory's
// lock writes to it; a second process opening it read-only can read status and leave
// requests: ChangeSettings, RemoveDisk, Suspend, Resume, Unprotect, Failover,
// RequestResync and ResetStatistics are then run by the process holding the directory at
// its next step (RunDue or ServeRequests), and those that answer are waited for; when no
// process holds it, the read-only session runs them itself (docs/session.md "Beside a
// running replication").
//
// The values a session takes and gives have headers of their own (session_options,
// session_status, operation_options, operation_reports, vm_recovery_point,
// replication_state), for code that keeps or shows them without running a session.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/host.hpp"
#include "hvr/job.hpp"
#include "hvr/operation_options.hpp"
#include "hvr/operation_reports.hpp"
#include "hvr/protection.hpp"
#include "hvr/session_options.hpp"
#include "hvr/session_status.hpp"
#include "hvr/vm_recovery_point.hpp"

namespace hvr {

class CancelToken;
class Engine;

class Session {
 public:
  // Enables protection, all or nothing: validates the settings, opens every disk (chains
  // intact), checks Azure's limits, reads the encryption key, reaches the target and
  // checks authorisation; a failed check leaves nothing behind (`state_dir` is made only
  // after them; it must not hold another relationship). Then it saves the relationship
  // in `state_dir` with paths made absolute, and (a job) creates one replica disk per
  // source disk and takes its lease. A protection that failed or crashed after its
  // checks is replaced by the next Protect on the same directory, with that one's
  // settings.
  static Result<std::unique_ptr<Session>> Protect(Engine& engine, const std::string& state_dir,
                                                  const ProtectionSettings& settings,
                                                  SessionOptions options = {});
  static Result<std::unique_ptr<Session>> Protect(Engine& engine, const std::string& state_dir,
                                                  const ProtectionSettings& settings, const ProtectOptions& protect,
                                                  SessionOptions options);
  // Takes over the protection of a VM from what its replicas hold (a job; docs/session.md
  // "Adopt"): after the state directory was lost, on another host after a host loss or a
  // live migration. `settings` are as Protect's and name every disk of the VM; each
  // disk's replica must carry the mirror of a relationship protecting VM
  // `settings.vm_name` (its id, its disks, the newest point, the last applied log, the
  // tracked identity); the recovery points are read from the replicas' snapshots. Every
  // check Protect makes on the disks, the key and the target is made, and bad or missing
  // metadata is an error naming the disk and the field: nothing is written to a replica
  // that cannot be shown to be the VM's. Then the replicas' leases are taken, another
  // agent's broken (it gets kConflict from then on and never writes them again), and the
  // relationship is saved in `state_dir` (which must hold none, or one that did not
  // finish: a rerun after a crash finishes; one this same adoption made and finished is
  // opened: the same VM, storage, disks and replicas; any other is kConflict). The VM
  // continues with delta cycles when the logs since the last applied one are all there
  // and carry the tracked identity;
  // otherwise (or with `adopt.resync`) it is marked for a resync, due at once, that reads
  // the replicas and sends only the chunks that differ: never a full copy.
  static Result<std::unique_ptr<Session>> Adopt(Engine& engine, const std::string& state_dir,
                                                const ProtectionSettings& settings, const AdoptOptions& adopt = {},
                                                SessionOptions options = {});
  // Opens the relationship kept in `state_dir`. Fails with kConflict when another
  // process holds the directory, unless `read_only`: then status, jobs and points work
  // and operations fail.
  static Result<std::unique_ptr<Session>> Open(Engine& engine, const std::string& state_dir,
                                               SessionOptions options = {}, bool read_only = false);

  // Waits for the running operation, releases the replica leases and the directory.
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Initial replication (a job): a checkpoint freezes the disks, each is copied
  // (allocated, non-zero data only; resumes where a crash or failure stopped it), the
  // logs written meanwhile are applied, the first recovery point is taken and the
  // checkpoint merged. Runs in states kEnabled and kInitialReplication.
  Status ReplicateInitially(const CancelToken* cancel = nullptr);

  // One delta cycle (a job): rotate the logs, verify and coalesce what they hold, write
  // it to the replicas, take a recovery point (app-consistent when one is due and the
  // host quiesced the guest), prune old points, delete the shipped logs. Tracking
  // failures (unclosed log, chain gap, untracked modification, logs over half the disk)
  // mark the VM for resync and return that error.
  Result<CycleReport> RunCycle(const CancelToken* cancel = nullptr);

  // Resynchronization (a job), now, whatever the window: the disks are frozen again,
  // compared chunk by chunk with the replicas, and only what differs is sent; then the
  // logs written meanwhile are applied and a recovery point taken. Resumable.
  Status Resynchronize(const CancelToken* cancel = nullptr);
  Status Resynchronize(const ResyncOptions& options, const CancelToken* cancel = nullptr);
  // Marks the VM for resync (an operator's request); it runs in the resync window, or
  // when Resynchronize is called. Works on a read-only session too (the process holding
  // the directory picks the request up).
  Status RequestResync(const std::string& reason, const ResyncOptions& options = {});

  // After a non-recoverable error has been dealt with: clears it, so that replication
  // is attempted again (Resume-VMReplication).
  Status ClearError();

  // --- The life of a protection (docs/session.md "Changing, suspending, removing") ---

  // Changes settings (a job; Set-VMReplication). The change is validated (its own
  // Validate, then ValidateSettings on the settings it makes); a new target must name the
  // same account and container (or folder), and is proven before it is saved: the
  // target is reached with it and every replica disk found, so a wrong key changes
  // nothing. A critical authorisation error is cleared by a proven credential. The
  // settings take effect from the next operation. Not while a failover is in progress.
  // On a read-only session (as Suspend, Resume and RemoveDisk): asked of the process
  // holding the directory, which runs it at its next step while this waits for its
  // answer (kTimeout when it did not take the request within 5 minutes); when no process
  // holds the directory, run here, the directory held for the operation's time.
  Status ChangeSettings(const SettingsChange& change);
  // Stops replicating one disk of the VM (a job; `disk` is its replica's name or its
  // path): its lease is released, the host stops tracking it (StopTracking with that disk
  // alone), its tracking logs are deleted, with `delete_replica` its replica and recovery
  // points too, and the VM's recovery points no longer name it. The last disk cannot be
  // removed (Unprotect removes protection), nor one during a copy from a checkpoint or
  // a failover. A removal a crash cut short is finished by the next RemoveDisk, whatever
  // disk it names. Naming the disk an AddDisk a failure or crash left is adding gives that
  // addition up (docs/session.md "Giving an addition up"): the host's checkpoint is merged
  // as a failed attempt's is, its replica's lease is released, the replica kept or, with
  // `delete_replica`, deleted (a disk of its name this relationship did not make is left
  // alone), its tracking stopped and logs deleted, and the record cleared; nothing else of
  // the VM changes. Cut short, the next RemoveDisk or AddDisk finishes it.
  Status RemoveDisk(const std::string& disk, const RemoveDiskOptions& options = {});
  // Adds a disk to the VM (a job; docs/session.md "Disks while protected"): `disk` as
  // Protect takes one (its replica named "<vm>-disk<N>" when unnamed, N the first number
  // from the disk's place that neither the VM nor the target uses). Every check Protect
  // makes of a disk runs before anything is saved (it opens with its chain intact, fits
  // Azure's limits, its path, logs and replica name are the VM's only, and the target
  // holds no disk of its replica's name); a failed one changes nothing. Then its replica
  // is created, the host checkpoints the VM, only this disk's frozen view is copied, the
  // checkpoint is merged, and the disk joins: the next cycle ships its logs since the
  // checkpoint, and its first recovery point is that cycle's. Points before hold no
  // snapshot of it. Refused while the disks cannot change (as RemoveDisk). An addition a
  // crash or failure cut short is finished by the next AddDisk, whatever disk it names,
  // or given up by RemoveDisk naming it; meanwhile initial replication, resyncs and the
  // removal of another disk refuse to start.
  Status AddDisk(const DiskSpec& disk);
  // Suspends replication (a job; Suspend-VMReplication): the host's logs accumulate and
  // nothing is sent; RunDue and NextDue skip the VM, and initial replication, cycles and
  // resyncs refuse to run, until Resume. Suspending a suspended VM changes nothing.
  // Replicating states only (not failed over).
  Status Suspend();
  // Resumes replication (a job; Resume-VMReplication): ends a suspension and clears a
  // non-recoverable error once it is dealt with, as ClearError. The logs that
  // accumulated ship at the next cycle (due at once); when they reach half a disk, the
  // VM is marked for a resync that starts at once, as an operator's.
  Status Resume();
  // Removes protection (a job; Remove-VMReplication): the replica leases are released,
  // the host stops tracking, the tracking logs of the protected disks are deleted, with
  // `delete_replicas` the replica disks and their recovery points too, and last the
  // state directory. Every step repeats safely: running it again after a crash finishes
  // the job (an emptied state directory is removed; kNotFound when `state_dir` is gone).
  // Replicas another agent adopted (their owner is not this relationship) are its: they
  // are left alone, their leases untouched, and `delete_replicas` is then kConflict,
  // before anything is removed.
  // While another process holds the directory (a running replication), it is asked to
  // remove the protection at its next step and stops running the VM (Session::removed);
  // this returns once the directory is gone, or with that process's error.
  static Status Unprotect(Engine& engine, const std::string& state_dir, const UnprotectOptions& options = {},
                          SessionOptions session_options = {});

  // Starts the statistics since the last reset again (Reset-VMReplicationStatistics);
  // those since protection stay. On a read-only session it asks the process holding the
  // directory, which resets them at its next RunDue.
  Status ResetStatistics();

  // --- Failover, failback and reverse replication (docs/failover.md) ---

  // Fails over (a job that is never cancelled half way; a crash resumes it when the
  // session is opened and RunDue or Failover is called again): the chosen point of
  // every disk is copied to a new disk in the target ("<replica>-failover", the
  // recovery points untouched), and the host is asked to create the VM from them.
  // Replication stops. Returns what was handed to the host. Until the failover is
  // committed, failing over to another point moves the VM there (the VM made from the
  // point before is deleted first); after, kInvalidReplicaState. On a read-only session
  // it asks the process holding the directory, which fails over at its next RunDue, and
  // waits for it (kConflict when that process stops first).
  Result<FailoverVm> Failover(const FailoverOptions& options = {});
  // Deletes the recovery points; the failover can no longer move to another point.
  Status CommitFailover();
  // Copies a point to test disks ("<replica>-test") and asks the host for a test VM,
  // while replication goes on untouched.
  Result<FailoverVm> TestFailover(const std::string& point = "latest");
  // Removes the test VM (host) and its disks.
  Status CleanupTestFailover();

  // Failback, first part, repeatable while the VM runs in Azure: brings the on-premises
  // disks to the failed-over disks' content, moving only what differs; each run sends
  // what changed since the previous one. The on-premises VM must be off: failback to its
  // own disks fails with kConflict, writing nothing, while the host says it runs.
  Result<FailbackReport> FailbackSync(const FailbackOptions& options = {});
  // Failback, second part (a job, resumed after a crash): the host shuts the Azure VM
  // down, a last sync makes the on-premises disks equal it, the replica becomes that
  // failback point (a copy inside the target), and the host starts the on-premises VM.
  Result<FailbackReport> FailbackComplete(const FailbackOptions& options = {});
  // Deletes the failed-over disks.
  Status CommitFailback();
  // Protects the VM again after failback without an initial copy: the replica already
  // holds the failback point, so only what the VM wrote since travels.
  Status ReverseReplication();

  // Runs what other processes asked of this session (a resync or a reset marked; an
  // operator's change, suspension, resumption, disk removal or removal of protection and
  // a failover run, each answered), in the order asked. Returns whether an operation ran.
  // RunDue calls it first; a caller running operations by hand calls it between them.
  Result<bool> ServeRequests();
  // Protection was removed by a request this session served: it does nothing more
  // (RunDue runs nothing, NextDue is empty), and its state directory is gone.
  bool removed() const;

  // Runs what the schedule and the retry policy say is due now, if anything: initial
  // replication, a resync in its window (or requested by hand), or a delta cycle one
  // interval after the last. Returns whether something ran; its failure is recorded in
  // the status (and scheduled for retry), not returned. Errors are those of the session
  // itself (its state directory).
  Result<bool> RunDue(const CancelToken* cancel = nullptr);
  // When RunDue next has something to do (now if it has; nullopt if nothing will be
  // due by itself: critical error, waiting for an operator, failed over).
  std::optional<TimePoint> NextDue() const;

  // Compares recovery point `which` ("latest", "latest-app-consistent" or an id) with
  // the source disks as they are now, byte for byte (the tail a replica has past its
  // source, being sized in whole MiB, must read as zeros). Meaningful when the source
  // has not changed since the point: after a planned shut down, or for a test. Works on
  // a read-only session.
  Result<VerifyReport> Verify(const std::string& which, const CancelToken* cancel = nullptr) const;

  SessionStatus status() const;
  // A read-only session sees the running job of the process holding the directory as
  // that process last published it (live.json, at most a second old).
  std::vector<Job> jobs() const;
  // The running job's step, progress, rate and time left; empty when no job runs.
  std::optional<JobProgress> progress() const;
  std::vector<VmRecoveryPoint> recovery_points() const;
  // The settings (a failback to another folder moves the disks).
  ProtectionSettings settings() const;
  const std::string& state_dir() const;

 private:
  struct Impl;
  explicit Session(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hvr
