// What the replication engine asks of the host it runs on (docs/reference-host.md): the
// host owns the VM, its checkpoints and its change trackers; hvr owns the replica. The
// embedding product implements HostActions (the C ABI passes callbacks), and the
// defaults suit disks that nothing writes while they are protected.
//
// Calls come from the session's worker threads, one at a time per VM, and may block.
// An error a call returns fails the operation that made it, with the error's class
// (a recoverable one is retried by the retry policy).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"

namespace hvr {

// The VM an action is about.
struct HostVm {
  std::string name;
  Guid id;                         // the relationship's id, fixed at protection
  std::vector<std::string> disks;  // the protected disks' paths, in order
};

// A point-in-time view of one disk: what a checkpoint leaves read-only (the parent under
// a differencing child, or a volume snapshot).
struct FrozenDisk {
  std::string path;  // stays unchanged until MergeCheckpoint
  // The identity the disk's tracker stamps into its logs (Vhd2DataWriteGuid) from now on;
  // zero: take it from the first log that follows the checkpoint.
  Guid tracked_identity;
};

struct RotateResult {
  bool quiesced = false;  // the guest was quiesced first: the point is app-consistent
};

// A disk of a VM that failover (or test failover) left in the target, ready to attach.
struct FailoverDisk {
  std::string name;         // the disk in the target store
  std::string location;     // where it is: a URL without secrets, or a file path
  uint64_t virtual_size = 0;
};

// Everything the host needs to bring up a VM from replicated disks.
struct FailoverVm {
  std::string vm_name;          // the protected VM's name (test failovers: "<name>-test")
  std::string point_id;         // the recovery point the disks hold
  TimePoint point_time;         // when the source was in that state
  bool app_consistent = false;
  bool test = false;
  bool planned = false;
  std::vector<FailoverDisk> disks;           // OS disk first
  std::map<std::string, std::string> settings;  // ProtectionSettings::failover_vm
};

class HostActions {
 public:
  virtual ~HostActions() = default;

  // Freezes every disk of the VM at one instant and returns the views of the disks
  // `vm.disks` names, in that order (a disk being added to protection is named last).
  // When it returns, every write made after that instant is being recorded by the disks'
  // trackers. If a checkpoint an earlier call made is still active, it returns that one:
  // a session that crashed between asking and recording the answer asks again. Default:
  // the disks themselves, which then must not be written until MergeCheckpoint.
  virtual Result<std::vector<FrozenDisk>> CreateCheckpoint(const HostVm& vm);
  // Ends the checkpoint (merges the differencing disks into their parents); nothing when
  // none is active.
  virtual Status MergeCheckpoint(const HostVm& vm);
  // Closes every disk's current log and starts the next, at one instant for all disks;
  // with `quiesce`, the guest's applications are quiesced first (VSS). Default: nothing
  // (the host rotates logs on its own schedule; closed logs are shipped as they appear).
  virtual Result<RotateResult> RotateLogs(const HostVm& vm, bool quiesce);

  // Planned failover: shuts the source VM down; its trackers close their last logs.
  // Default: kUnsupported, since a planned failover without it would lose writes.
  virtual Status ShutdownVm(const HostVm& vm);
  // Failback: starts the on-premises VM (tracking its disks again). Default: nothing.
  virtual Status StartVm(const HostVm& vm);
  // Whether the on-premises VM runs, and so may write its disks at any moment. Failback
  // to the VM's own disks asks before it writes them and refuses while the VM runs.
  // Default: false (disks nothing writes).
  virtual Result<bool> VmRunning(const HostVm& vm);
  // The trackers of the disks `vm.disks` names stop and close their logs (hvr deletes
  // them afterwards): every disk when protection is removed, one when a disk is removed
  // from protection (the others go on being tracked). Default: nothing (no tracker runs).
  virtual Status StopTracking(const HostVm& vm);
  // Creates the VM in Azure from failed-over disks (hvr never calls the compute API).
  // Default: nothing; the disks stay for the operator.
  virtual Status CreateAzureVm(const FailoverVm& vm);
  // Stops (failback) or removes (test failover cleanup, failback commit) that VM.
  // Defaults: nothing.
  virtual Status ShutdownAzureVm(const FailoverVm& vm);
  virtual Status DeleteAzureVm(const FailoverVm& vm);

  // A recovery plan's action between groups (manual step, script, runbook). Default:
  // nothing.
  virtual Status RunPlanAction(const std::string& plan, const std::string& action);
};

// The defaults above, for disks nothing writes while they are protected.
HostActions& DefaultHost();

}  // namespace hvr
