// Failover to the target, test failover and its cleanup, and committing a failover
// (docs/failover.md). A failover copies recovery points to new disks inside the target
// (the points stay as they are) and hands them to the host; it is never cancelled half
// way, and a crash resumes it from its journal.
#include <boost/asio/use_future.hpp>
#include <thread>

#include "hvr/disk.hpp"
#include "session/recovery_points.hpp"
#include "session/session_impl.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

using boost::asio::use_future;

// How often a process that asked another for a failover looks for its answer.
constexpr auto kFailoverAnswerPoll = std::chrono::milliseconds(200);

std::string Lookup(const Metadata& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

bool Replicates(ReplicationState s) {
  return s == ReplicationState::kReplicating || s == ReplicationState::kResyncRequired ||
         s == ReplicationState::kResynchronizing;
}

}  // namespace

FailoverVm Session::Impl::DescribeFailover(const FailoverState& failover, bool test) const {
  const SessionState s = Snapshot();
  FailoverVm vm;
  vm.vm_name = settings.vm_name + (test ? "-test" : "");
  vm.point_id = failover.point.id;
  vm.point_time = failover.point.source_time;
  vm.app_consistent = failover.point.app_consistent;
  vm.test = test;
  vm.planned = failover.planned;
  vm.settings = settings.failover_vm;
  for (size_t i = 0; i < failover.disks.size(); ++i) {
    // The point's size: the disk may have grown since.
    vm.disks.push_back(FailoverDisk{failover.disks[i], store->description() + "/" + failover.disks[i],
                                    PointDiskSize(failover.point, s, i)});
  }
  return vm;
}

// Copies `point` of every replica to "<replica><suffix>"; a copy an interrupted attempt
// made is taken over when it carries this VM's tag, and a failover's copy of another
// point (the point changed) is replaced.
Result<FailoverVm> Session::Impl::CopyPointTo(RunningJob& job, const VmRecoveryPoint& point, const char* suffix,
                                              bool test, bool planned, std::vector<std::string>* base_snapshots) {
  const SessionState s = Snapshot();
  FailoverState failover;
  failover.point = point;
  failover.planned = planned;
  const std::string role = test ? "test_failover" : "failover";
  // The disks the point holds: a disk added to the VM after it is in none (hvr never had
  // its content of that moment), and the VM comes up without it.
  for (size_t i = 0; i < point.snapshots.size(); ++i) {
    const std::string name = s.disks[i].replica + suffix;
    failover.disks.push_back(name);
    job.Step("copy recovery point " + point.id + " of disk " + std::to_string(i) + " to " + name);
    const Metadata tag{{"vm_id", s.vm_id.ToString()}, {"role", role}, {"point", point.id}};
    Status copied = store->AsyncCopySnapshot(s.disks[i].replica, point.snapshots.at(i), name, tag, use_future).get();
    if (!copied.ok() && copied.error().code() == Code::kConflict) {
      HVR_ASSIGN_OR_RETURN(const Metadata there, store->AsyncGetMetadata(name, use_future).get());
      if (Lookup(there, "vm_id") != tag.at("vm_id") || Lookup(there, "role") != role) {
        return Error(Code::kConflict, "the target already has a disk named '" + name + "' that is not this failover's");
      }
      if (Lookup(there, "point") == point.id) {
        copied = Ok();  // an interrupted attempt made it
      } else if (!test) {
        // The failover's point changed (ChangeFailoverPoint): the disk of the point
        // before makes way.
        HVR_RETURN_IF_ERROR(UnlessNotFound(store->AsyncDeleteDisk(name, use_future).get()));
        copied = store->AsyncCopySnapshot(s.disks[i].replica, point.snapshots.at(i), name, tag, use_future).get();
      } else {
        return Error(Code::kConflict, "test disk '" + name + "' holds point " + Lookup(there, "point") + ", not " +
                                          point.id + ": clean the test failover up first");
      }
    }
    HVR_RETURN_IF_ERROR(copied);
    if (!base_snapshots) continue;
    // What the VM changes from here on is what failback brings back.
    HVR_ASSIGN_OR_RETURN(const auto snapshots, store->AsyncListSnapshots(name, use_future).get());
    std::string base;
    for (const RecoveryPoint& rp : snapshots) {
      if (Lookup(rp.metadata, "role") == "failover_base") base = rp.id;
    }
    if (base.empty()) {
      SnapshotOptions snapshot;
      snapshot.metadata = {{"role", "failover_base"}};
      HVR_ASSIGN_OR_RETURN(const RecoveryPoint taken, store->AsyncCreateSnapshot(name, snapshot, use_future).get());
      base = taken.id;
    }
    base_snapshots->push_back(base);
  }
  failover.base_snapshots = base_snapshots ? *base_snapshots : std::vector<std::string>{};
  return DescribeFailover(failover, test);
}

Status Session::Impl::ChangeFailoverPoint(RunningJob& job, const VmRecoveryPoint& point) {
  const FailoverState before = *Snapshot().failover;
  job.Step("remove the VM of recovery point " + before.point.id);
  HVR_RETURN_IF_ERROR(host.DeleteAzureVm(DescribeFailover(before, false)));
  // A disk the VM gained between the two points has a failed-over disk only from the newer.
  for (size_t i = point.snapshots.size(); i < before.disks.size(); ++i) {
    HVR_RETURN_IF_ERROR(UnlessNotFound(store->AsyncDeleteDisk(before.disks[i], use_future).get()));
  }
  // From here the failover is to the new point, and a crash resumes it there: its copy
  // replaces the disks of the point before. Unplanned now, whatever it was: a point
  // the operator chose may lose writes.
  return Commit([&](SessionState& st) {
    st.state = ReplicationState::kFailingOver;
    st.failover = FailoverState{point, false, {}, {}, {}, false};
  });
}

Result<FailoverVm> Session::Impl::FailoverTo(RunningJob& job, const FailoverOptions& request) {
  SessionState s = Snapshot();
  if (s.state == ReplicationState::kFailoverCommitted) {
    return Error(Code::kInvalidReplicaState, "the failover to recovery point " +
                                                 (s.failover ? s.failover->point.id : std::string("?")) +
                                                 " was committed: the recovery points are gone, so the point can no "
                                                 "longer change");
  }
  if (s.state == ReplicationState::kFailedOver && s.failover && (s.failover->planned || !request.planned)) {
    // A planned failover's point is its last cycle's; an unplanned one may move to
    // another point until it is committed (Site Recovery's "change recovery point").
    VmRecoveryPoint wanted = s.failover->point;
    if (!request.planned) {
      HVR_ASSIGN_OR_RETURN(wanted, ChoosePoint(s.points, request.point));
    }
    if (wanted.sequence == s.failover->point.sequence) {
      // Done already (the run that did it may have ended before it could say so).
      job.Summary("the VM was failed over already, to point " + s.failover->point.id);
      return DescribeFailover(*s.failover, false);
    }
    HVR_RETURN_IF_ERROR(ChangeFailoverPoint(job, wanted));
    s = Snapshot();
  }
  const bool resuming = s.state == ReplicationState::kFailingOver;
  if (!resuming && !Replicates(s.state)) {
    return Error(Code::kInvalidReplicaState,
                 std::string("failover needs a replicating VM (it is ") + ReplicationStateName(s.state) + ")");
  }
  if (!resuming) {
    if (request.planned) {
      if (s.state != ReplicationState::kReplicating) {
        return Error(Code::kInvalidReplicaState, "a planned failover needs every log shipped, but the VM waits for a resync (" +
                                                     s.resync_reason + "); fail over unplanned or resync first");
      }
      // Nothing written before the shut down may be missing: the last logs go in a
      // last cycle, and its point is the one failed over to.
      job.Step("shut the source VM down");
      HVR_RETURN_IF_ERROR(host.ShutdownVm(Vm()));
      job.Step("ship the last logs");
      HVR_ASSIGN_OR_RETURN(const CycleReport last, Cycle(job, nullptr));
      (void)last;
      s = Snapshot();
    }
    // Failback may copy only what the Azure VM changes when the on-premises disks stay
    // as they are now; their identity tells later whether they did.
    std::vector<Guid> identities;
    if (request.planned) {
      for (const DiskState& d : s.disks) {
        HVR_ASSIGN_OR_RETURN(auto disk, OpenDisk(d.source));
        identities.push_back(disk->info().data_write_guid);
      }
    }
    HVR_ASSIGN_OR_RETURN(const VmRecoveryPoint point, ChoosePoint(s.points, request.planned ? "latest" : request.point));
    HVR_RETURN_IF_ERROR(Commit([&](SessionState& st) {
      st.state = ReplicationState::kFailingOver;
      st.failover = FailoverState{point, request.planned, {}, {}, identities, false};
    }));
  }
  // From here on the failover finishes, whatever it takes: nothing cancels it.
  const FailoverState recorded = *Snapshot().failover;
  std::vector<std::string> bases;
  HVR_ASSIGN_OR_RETURN(FailoverVm vm, CopyPointTo(job, recorded.point, "-failover", false, recorded.planned, &bases));
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& st) {
    st.failover->disks.clear();
    for (const FailoverDisk& d : vm.disks) st.failover->disks.push_back(d.name);
    st.failover->base_snapshots = bases;
  }));
  if (!recorded.vm_created) {
    job.Step("create the VM in Azure");
    HVR_RETURN_IF_ERROR(host.CreateAzureVm(vm));
  }
  // The replicas are no longer written: their leases go, also one a process that was
  // killed here left behind (taken back by its id first, then released).
  std::vector<std::string> replicas;
  for (const DiskState& d : Snapshot().disks) replicas.push_back(d.replica);
  HVR_RETURN_IF_ERROR(leases->Hold(replicas));
  // The replicas say the VM is failing over: adopting it (docs/session.md) is refused.
  HVR_RETURN_IF_ERROR(Mirror());
  for (const std::string& replica : replicas) HVR_RETURN_IF_ERROR(leases->Let(replica));
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& st) {
    st.state = ReplicationState::kFailedOver;
    st.failover->vm_created = true;
    st.failure.reset();
  }));
  job.Summary("failed over to point " + vm.point_id + (vm.planned ? " (planned)" : ""));
  return vm;
}

Result<FailoverVm> Session::Impl::FailoverElsewhere(const FailoverOptions& request) {
  const std::string id = Guid::Random().ToString();
  HVR_RETURN_IF_ERROR(dir.LeaveFailoverRequest({id, request}));
  const std::string holder = "the process running VM '" + settings.vm_name + "' (" + dir.path() + ")";
  for (bool stopped = false;;) {
    HVR_ASSIGN_OR_RETURN(const std::optional<Status> answer, dir.FailoverAnswer(id));
    if (answer) {
      HVR_RETURN_IF_ERROR(*answer);
      const SessionState s = Snapshot();
      if (!s.failover) return Error(Code::kCorruptData, PathIn(dir.path(), "state.json") + ": a failover ended with none recorded");
      return DescribeFailover(*s.failover, false);
    }
    // Looked at once more after the holder is gone: it may have answered as it went.
    if (stopped) {
      HVR_RETURN_IF_ERROR(dir.WithdrawFailoverRequest());
      return Error(Code::kConflict, holder + " stopped before it failed over; run the failover again (one it began "
                                             "resumes)");
    }
    HVR_ASSIGN_OR_RETURN(const bool in_use, dir.InUse());
    stopped = !in_use;
    if (!stopped) std::this_thread::sleep_for(kFailoverAnswerPoll);
  }
}

Result<FailoverVm> Session::Failover(const FailoverOptions& options) {
  // Another process runs the VM: it fails over at its next step (RunDue).
  if (impl_->dir.read_only()) return impl_->FailoverElsewhere(options);
  FailoverVm vm;
  HVR_RETURN_IF_ERROR(impl_->RunJob(options.planned ? JobType::kPlannedFailover : JobType::kFailover, false,
                                    [&](RunningJob& job) -> Status {
                                      HVR_ASSIGN_OR_RETURN(vm, impl_->FailoverTo(job, options));
                                      return Ok();
                                    }));
  return vm;
}

Status Session::CommitFailover() {
  return impl_->RunJob(JobType::kCommitFailover, false, [&](RunningJob& job) -> Status {
    const SessionState s = impl_->Snapshot();
    if (s.state != ReplicationState::kFailedOver) {
      return Error(Code::kInvalidReplicaState,
                   std::string("nothing to commit: the VM is ") + ReplicationStateName(s.state));
    }
    job.Step("delete the recovery points");
    // Forgotten first, so a crash halfway never offers a point that is half gone.
    HVR_RETURN_IF_ERROR(impl_->Commit([](SessionState& st) { st.points.clear(); }));
    for (const DiskState& d : s.disks) {
      HVR_ASSIGN_OR_RETURN(const auto snapshots, impl_->store->AsyncListSnapshots(d.replica, use_future).get());
      for (const RecoveryPoint& rp : snapshots) {
        HVR_RETURN_IF_ERROR(UnlessNotFound(impl_->store->AsyncDeleteSnapshot(d.replica, rp.id, use_future).get()));
      }
    }
    HVR_RETURN_IF_ERROR(impl_->Commit([](SessionState& st) {
      st.state = ReplicationState::kFailoverCommitted;
      st.failover_committed = true;
    }));
    job.Summary("committed the failover to point " + s.failover->point.id);
    return Ok();
  });
}

Result<FailoverVm> Session::TestFailover(const std::string& which) {
  FailoverVm vm;
  HVR_RETURN_IF_ERROR(impl_->RunJob(JobType::kTestFailover, false, [&](RunningJob& job) -> Status {
    const SessionState s = impl_->Snapshot();
    if (!Replicates(s.state)) {
      return Error(Code::kInvalidReplicaState,
                   std::string("a test failover needs a replicating VM (it is ") + ReplicationStateName(s.state) + ")");
    }
    VmRecoveryPoint point;
    if (s.test_failover) {
      point = s.test_failover->point;  // finishing one an interruption left
    } else {
      HVR_ASSIGN_OR_RETURN(point, ChoosePoint(s.points, which));
      HVR_RETURN_IF_ERROR(impl_->Commit([&](SessionState& st) { st.test_failover = FailoverState{point, false, {}, {}, {}, false}; }));
    }
    HVR_ASSIGN_OR_RETURN(vm, impl_->CopyPointTo(job, point, "-test", true, false, nullptr));
    HVR_RETURN_IF_ERROR(impl_->Commit([&](SessionState& st) {
      st.test_failover->disks.clear();
      for (const FailoverDisk& d : vm.disks) st.test_failover->disks.push_back(d.name);
    }));
    if (!s.test_failover || !s.test_failover->vm_created) {
      job.Step("create the test VM");
      HVR_RETURN_IF_ERROR(impl_->host.CreateAzureVm(vm));
      HVR_RETURN_IF_ERROR(impl_->Commit([](SessionState& st) { st.test_failover->vm_created = true; }));
    }
    job.Summary("test VM '" + vm.vm_name + "' from point " + point.id);
    return Ok();
  }));
  return vm;
}

Status Session::CleanupTestFailover() {
  return impl_->RunJob(JobType::kTestFailoverCleanup, false, [&](RunningJob& job) -> Status {
    const SessionState s = impl_->Snapshot();
    if (!s.test_failover) return Error(Code::kInvalidReplicaState, "no test failover to clean up");
    job.Step("delete the test VM");
    HVR_RETURN_IF_ERROR(impl_->host.DeleteAzureVm(impl_->DescribeFailover(*s.test_failover, true)));
    job.Step("delete the test disks");
    for (const std::string& name : s.test_failover->disks) {
      HVR_RETURN_IF_ERROR(UnlessNotFound(impl_->store->AsyncDeleteDisk(name, use_future).get()));
    }
    HVR_RETURN_IF_ERROR(impl_->Commit([](SessionState& st) { st.test_failover.reset(); }));
    job.Summary("test failover of point " + s.test_failover->point.id + " cleaned up");
    return Ok();
  });
}

}  // namespace hvr
