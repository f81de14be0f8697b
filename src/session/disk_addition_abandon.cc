// Giving a disk addition up (docs/session.md "Giving an addition up"): RemoveDisk naming
// the disk being added, for an addition that keeps failing.
//
// The decision is journalled first (DiskAddition::abandoned); each step after repeats
// safely and the record is cleared last, so RemoveDisk or AddDisk run again after a crash
// finish it. Until then the disk is in neither the settings nor the state, as throughout
// the addition, and the VM replicates its other disks.
#include <boost/asio/use_future.hpp>

#include "session/replica_mirror.hpp"
#include "session/session_impl.hpp"

namespace hvr {
namespace {

using boost::asio::use_future;

}  // namespace

Result<std::string> Session::Impl::FinishAbandonedAddition(RunningJob& job) {
  const DiskAddition added = *Snapshot().disk_addition;
  const DiskSpec& spec = added.disk;
  const std::string& replica = added.state.replica;

  // As a failed attempt gives it up: journalled stale, merged, the request cleared.
  if (MayHoldCheckpoint(added)) HVR_RETURN_IF_ERROR(GiveUpAdditionCheckpoint(job));

  job.Step("let the replica " + replica + " go");
  // The addition made the replica with the VM's id; a disk of that name without it was
  // made by someone else (the reason an addition may keep failing), and is theirs.
  auto there = store->AsyncGetDisk(replica, use_future).get();
  if (!there.ok() && there.error().code() != Code::kNotFound) return std::move(there).error();
  const bool ours = there.ok() && MirroredVmId(there->metadata) == Snapshot().vm_id.ToString();
  bool leased_elsewhere = false;
  if (ours) {
    const Status released = ReleaseLease(replica);
    // Another agent's lease: this relationship holds none, which is what giving the
    // replica up needs, unless it is to be deleted.
    leased_elsewhere = !released.ok() && released.error().code() == Code::kConflict;
    if (leased_elsewhere && added.delete_replica) {
      return Error(Code::kConflict, "giving up the addition of disk " + spec.path + ": replica '" + replica +
                                        "' cannot be deleted while another agent leases it (" +
                                        released.error().message() +
                                        "); run it again once the lease is free, or without deleting the replica");
    }
    if (!leased_elsewhere) HVR_RETURN_IF_ERROR(released);
  }
  HVR_ASSIGN_OR_RETURN(const size_t logs, StopTrackingDisk(job, spec));
  HVR_RETURN_IF_ERROR(ForgetReplica(job, replica, ours && added.delete_replica));

  job.Step("clear the record of the addition");
  // A crash between the addition's two last saves can have left the disk in
  // settings.json, which opening the session hides only while the record exists.
  ProtectionSettings without = settings;
  LeaveOutAddedDisk(without, Snapshot());
  HVR_RETURN_IF_ERROR(dir.SaveSettings(without));
  {
    std::lock_guard lock(settings_mu);
    settings = without;
  }
  HVR_RETURN_IF_ERROR(Commit([](SessionState& st) { st.disk_addition.reset(); }));

  std::string kept;
  if (!there.ok()) {
    // Never made, or deleted by an attempt a crash cut short.
    kept = added.delete_replica ? "replica " + replica + " deleted from " : "no replica " + replica + " in ";
  } else if (!ours) {
    kept = "the disk named " + replica + " is not this VM's and was left alone in ";
  } else if (added.delete_replica) {
    kept = "replica " + replica + " deleted from ";
  } else {
    kept = "replica " + replica + (leased_elsewhere ? " kept, leased by another agent, in " : " kept in ");
  }
  return "addition of disk " + spec.path + " given up: the host holds no checkpoint for it; " + std::to_string(logs) +
         " tracking logs deleted; " + kept + store->description();
}

}  // namespace hvr
