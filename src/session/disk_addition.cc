// Adding a disk to a protected VM (docs/session.md "Disks while protected").
//
// Every check runs before the addition is journalled (SessionState::disk_addition); the
// record is cleared in the commit that makes the disk one of the VM's. Between, the disk
// is in neither the settings nor the state, which everything indexes the disks by, so the
// VM goes on replicating its other disks meanwhile; each step repeats safely, and AddDisk
// run again finishes what a crash or a failure left.
//
// The copy is the one initial replication makes, for one disk: the host's checkpoint
// freezes the VM's disks (and starts tracking the new one's writes), only the new disk's
// frozen view is sent, the checkpoint is merged, and the logs written since ship with the
// next cycle, which makes the disk's first recovery point. An attempt that fails while
// the host holds its checkpoint gives it up (journalled, then merged), so that a failed
// addition does not keep the VM on differencing disks until it is run again.
#include <algorithm>
#include <boost/asio/use_future.hpp>
#include <cstdio>

#include "hvr/manifest.hpp"
#include "session/log_shipping.hpp"
#include "session/replica_mirror.hpp"
#include "session/replica_sync.hpp"
#include "session/session_impl.hpp"
#include "util/ascii.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

using boost::asio::use_future;

bool HasName(const std::vector<std::string>& names, const std::string& name) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return AsciiLower(n) == AsciiLower(name); });
}

// "<vm>-disk<N>": N the first number from the disk's place that neither the VM's disks nor
// the target's use (a removed disk's kept replica keeps its name).
std::string DefaultReplicaName(const ProtectionSettings& settings, const std::vector<std::string>& in_target) {
  std::vector<std::string> taken = in_target;
  for (const DiskSpec& d : settings.disks) taken.push_back(d.replica_name);
  for (size_t n = settings.disks.size();; ++n) {
    const std::string name = settings.vm_name + "-disk" + std::to_string(n);
    if (!HasName(taken, name)) return name;
  }
}

std::string Mib(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

}  // namespace

void LeaveOutAddedDisk(ProtectionSettings& settings, const SessionState& state) {
  if (!state.disk_addition) return;
  const std::string& name = state.disk_addition->disk.replica_name;
  std::erase_if(settings.disks, [&](const DiskSpec& d) { return d.replica_name == name; });
}

Status RequireNoDiskAddition(const SessionState& state) {
  // The host holds the addition's checkpoint, or its next attempt takes one, with a disk
  // the VM does not have yet.
  if (!state.disk_addition) return Ok();
  return Error(Code::kInvalidReplicaState, "disk " + state.disk_addition->disk.path +
                                               " is being added: add it again to finish that, or remove it to give "
                                               "it up, before the VM is copied from a checkpoint");
}

HostVm Session::Impl::VmWithAddedDisk() const {
  HostVm vm = Vm();
  if (const auto& added = Snapshot().disk_addition) vm.disks.push_back(added->disk.path);
  return vm;
}

Status Session::Impl::CommitAddition(const std::function<void(DiskAddition&)>& change) {
  return Commit([&](SessionState& st) { change(*st.disk_addition); });
}

Status Session::Impl::GiveUpAdditionCheckpoint(RunningJob& job) {
  // Journalled before the merge, as a copy of the whole VM gives its checkpoint up
  // (session_sync.cc): a kill during the merge leaves a record that merges again.
  if (!Snapshot().disk_addition->checkpoint_stale) {
    HVR_RETURN_IF_ERROR(CommitAddition([](DiskAddition& a) {
      a.checkpoint_stale = true;
      // Whatever the copy sent is of this view, which the next checkpoint's may not be.
      a.earlier_view_sent = true;
    }));
  }
  job.Step("merge the checkpoint the copy gave up");
  HVR_RETURN_IF_ERROR(host.MergeCheckpoint(VmWithAddedDisk()));
  // Asked for again from the start: the logs obsolete at the next checkpoint are listed
  // anew, those the tracker wrote since this one included (its view holds their writes).
  // The copy of the view given up is no longer done either: the next view is copied.
  return CommitAddition([](DiskAddition& a) {
    a.checkpoint_stale = a.checkpoint_active = a.checkpoint_requested = a.copy_done = false;
    a.state.frozen_path.clear();
  });
}

Status Session::Impl::MergeAdditionCheckpoint(RunningJob& job) {
  job.Step("merge checkpoint");
  HVR_RETURN_IF_ERROR(host.MergeCheckpoint(VmWithAddedDisk()));
  return CommitAddition([](DiskAddition& a) {
    a.checkpoint_active = false;
    a.state.frozen_path.clear();
  });
}

Status Session::Impl::CopyAddedDisk(RunningJob& job, uint64_t& sent) {
  const DiskAddition added = *Snapshot().disk_addition;
  const DiskSpec& spec = added.disk;
  const std::string& replica = added.state.replica;
  // A view copied whole needs no checkpoint more: a new one would list as obsolete the
  // logs written since that view, which the replica does not hold.
  if (added.copy_done) return Ok();
  if (!added.checkpoint_active) {
    job.Step("take checkpoint");
    if (!added.checkpoint_requested) {
      // As for a copy of the whole VM (session_sync.cc): the logs the checkpoint makes
      // obsolete are listed before the host is asked, so that asking again after a crash
      // cannot count a log closed after it among them.
      HVR_ASSIGN_OR_RETURN(const auto obsolete, ListObsoleteAtCheckpoint(spec));
      HVR_RETURN_IF_ERROR(CommitAddition([&](DiskAddition& a) {
        a.state.obsolete_logs = obsolete;
        a.checkpoint_requested = true;
      }));
    }
    const HostVm vm = VmWithAddedDisk();
    HVR_ASSIGN_OR_RETURN(const std::vector<FrozenDisk> frozen, host.CreateCheckpoint(vm));
    if (frozen.size() != vm.disks.size()) {
      // Held all the same, and given up by the caller.
      HVR_RETURN_IF_ERROR(CommitAddition([](DiskAddition& a) {
        a.checkpoint_requested = false;
        a.checkpoint_active = true;
      }));
      return Error(Code::kInvalidArgument, "the host's checkpoint has " + std::to_string(frozen.size()) +
                                               " disks, the VM with the disk added " + std::to_string(vm.disks.size()));
    }
    HVR_RETURN_IF_ERROR(CommitAddition([&](DiskAddition& a) {
      a.checkpoint_requested = false;
      a.checkpoint_active = true;
      a.state.frozen_path = frozen.back().path;
      a.state.tracked_identity = frozen.back().tracked_identity;
    }));
  }

  const DiskState d = Snapshot().disk_addition->state;
  job.Step("copy disk " + spec.path + " (" + replica + ")");
  HVR_ASSIGN_OR_RETURN(auto view, OpenDisk(d.frozen_path));
  // The manifest says what an interrupted copy sent; none yet: the new replica's zeros.
  const std::string manifest_path = dir.ManifestPath(replica);
  auto loaded = hvr::LoadManifest(manifest_path, {d.replica_size, settings.chunk_size});
  if (!loaded.ok() && loaded.error().code() == Code::kNotFound) {
    loaded = Manifest::Zeros(d.replica_size, settings.chunk_size);
  }
  if (!loaded.ok()) return std::move(loaded).error();
  Manifest manifest = std::move(*loaded);
  ReplicaSyncOptions sync;
  sync.buffers = Buffers();
  // Nothing but this copy ever wrote the replica: zeros and this view's data; once an
  // attempt gave its checkpoint up, that of an earlier view too.
  sync.replica_zero_or_source = !Snapshot().disk_addition->earlier_view_sent;
  sync.join_gap = JoinGap();
  sync.progress = [&](uint64_t done, uint64_t total) { job.Progress(done, total); };
  sync.checkpoint = [&](const Manifest& m) { return hvr::SaveManifest(m, manifest_path); };
  auto stats = SyncToReplica(*view, manifest, *store, replica, sync);
  // What was written is in the manifest even when the copy failed: keep it.
  HVR_RETURN_IF_ERROR(hvr::SaveManifest(manifest, manifest_path));
  if (!stats.ok()) return std::move(stats).error();
  sent = stats->bytes_sent;
  return Commit([&](SessionState& st) {
    DiskAddition& a = *st.disk_addition;
    a.copy_done = true;
    a.state.sync_done = a.state.sync_total = stats->bytes_examined;
    a.state.bytes_sent += stats->bytes_sent;
    st.Count([&](ReplicationStatistics& r) { r.bytes_sent += stats->bytes_sent; });
  });
}

Status Session::Impl::CreateAndCopyAddedDisk(RunningJob& job, const ProtectionSettings& joined,
                                             const SessionState& joined_state, bool copied_with_the_vm,
                                             uint64_t& sent) {
  const DiskAddition added = *Snapshot().disk_addition;
  const std::string& replica = added.state.replica;
  job.Step("create the replica disk " + replica);
  auto there = store->AsyncGetDisk(replica, use_future).get();
  if (there.ok()) {
    // Made by an attempt a crash cut short, or by someone else since the check.
    if (MirroredVmId(there->metadata) != joined_state.vm_id.ToString()) {
      return Error(Code::kConflict, "the target now has a disk named '" + replica +
                                        "' that this relationship did not create; delete it, or add the disk under "
                                        "another replica name");
    }
  } else if (there.error().code() == Code::kNotFound) {
    HVR_RETURN_IF_ERROR(store
                            ->AsyncCreateDisk(replica, added.state.replica_size,
                                              MirrorMetadata(joined, joined_state, joined.disks.size() - 1), use_future)
                            .get());
  } else {
    return std::move(there).error();
  }
  HVR_RETURN_IF_ERROR(leases->Hold({replica}));
  if (copied_with_the_vm) return Ok();
  return CopyAddedDisk(job, sent);
}

Result<std::string> Session::Impl::FinishDiskAddition(RunningJob& job) {
  const DiskAddition added = *Snapshot().disk_addition;
  const DiskSpec& spec = added.disk;
  const std::string& replica = added.state.replica;
  // The VM as it is once the disk joined: what the new replica's mirror says.
  ProtectionSettings joined = settings;
  joined.disks.push_back(spec);
  SessionState joined_state = Snapshot();
  joined_state.disks.push_back(added.state);

  // What a killed or failed attempt left of the host's checkpoint is dealt with before
  // anything that can fail: a checkpoint given up is merged, and one whose view was copied
  // whole is merged as the copy would have (no replica or lease is needed for either).
  if (added.checkpoint_stale) HVR_RETURN_IF_ERROR(GiveUpAdditionCheckpoint(job));
  if (const auto a = Snapshot().disk_addition; a->checkpoint_active && a->copy_done) {
    HVR_RETURN_IF_ERROR(MergeAdditionCheckpoint(job));
  }

  // Before the VM's initial copy, that copy takes the disk with the others.
  const ReplicationState vm_state = Snapshot().state;
  const bool copied_with_the_vm =
      vm_state == ReplicationState::kEnabled || vm_state == ReplicationState::kInitialReplication;
  uint64_t sent = 0;
  const Status copied = CreateAndCopyAddedDisk(job, joined, joined_state, copied_with_the_vm, sent);
  // The host's checkpoint is held only while a copy reads it: an attempt that failed with
  // it taken, or perhaps taken (asked for by an attempt a kill cut short), lets it go, and
  // the next attempt takes a new one.
  if (!copied.ok() && MayHoldCheckpoint(*Snapshot().disk_addition)) {
    if (Status released = GiveUpAdditionCheckpoint(job); !released.ok()) {
      return Error(copied.error().code(), copied.error().message() +
                                              "; the host's checkpoint stays until the disk is added again: " +
                                              released.error().message());
    }
  }
  HVR_RETURN_IF_ERROR(copied);
  if (Snapshot().disk_addition->checkpoint_active) HVR_RETURN_IF_ERROR(MergeAdditionCheckpoint(job));

  job.Step("add " + replica + " to the VM's disks");
  // The settings first: until the state has the disk too (the record cleared in the same
  // commit), opening the session leaves it out of them (LeaveOutAddedDisk).
  HVR_RETURN_IF_ERROR(dir.SaveSettings(joined));
  {
    std::lock_guard lock(settings_mu);
    settings = joined;
  }
  maps.resize(joined.disks.size());
  const DiskState joining = Snapshot().disk_addition->state;
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& st) {
    st.disks.push_back(joining);
    // No point before the next holds it (those since the record included).
    st.disks.back().first_point = st.next_point;
    st.disk_addition.reset();
  }));

  // Every replica now says how many disks the VM has, which adopting it checks.
  job.Step("mirror the state into the replicas");
  std::vector<std::string> replicas;
  for (const DiskState& d : Snapshot().disks) replicas.push_back(d.replica);
  HVR_RETURN_IF_ERROR(leases->Hold(replicas));
  HVR_RETURN_IF_ERROR(Mirror());
  const std::string added_as = "disk " + spec.path + " added as " + replica + " in " + store->description();
  if (copied_with_the_vm) return added_as + ": initial replication copies it with the others";
  return added_as + ": its checkpoint's view sent (" + Mib(joining.bytes_sent) +
         (sent == joining.bytes_sent ? "" : ", " + Mib(sent) + " of it now") +
         "); its first recovery point is the next cycle's";
}

Status Session::AddDisk(const DiskSpec& disk) {
  Impl& s = *impl_;
  if (s.dir.read_only()) {
    // The process that runs the VM adds it; the paths mean what they mean here.
    OperatorRequest request = OperatorRequest::Make(OperatorOperation::kAddDisk);
    request.add_disk = disk;
    if (!disk.path.empty()) request.add_disk.path = AbsolutePath(disk.path);
    if (!disk.log_folder.empty()) request.add_disk.log_folder = AbsolutePath(disk.log_folder);
    return s.AskOrRun(request);
  }
  return s.RunJob(JobType::kAddDisk, false, [&](RunningJob& job) -> Status {
    std::vector<std::string> done;
    // A removal a crash cut short is finished first, so that the disks are known.
    if (s.Snapshot().disk_removal) {
      HVR_ASSIGN_OR_RETURN(std::string removed, s.FinishDiskRemoval(job));
      done.push_back(std::move(removed));
    }
    const auto summary = [&] {
      std::string text;
      for (const std::string& part : done) text += (text.empty() ? "" : "; ") + part;
      return text;
    };
    // An addition given up is finished as such, and this one then made afresh.
    if (const auto given_up = s.Snapshot().disk_addition; given_up && given_up->abandoned) {
      HVR_ASSIGN_OR_RETURN(std::string abandoned, s.FinishAbandonedAddition(job));
      done.push_back(std::move(abandoned));
    }
    // An addition a crash or failure cut short is finished; when it was this disk's, that
    // is all.
    if (const auto pending = s.Snapshot().disk_addition) {
      HVR_ASSIGN_OR_RETURN(std::string finished, s.FinishDiskAddition(job));
      done.push_back(std::move(finished));
      if (!disk.path.empty() && pending->disk.path == AbsolutePath(disk.path)) {
        job.Summary(summary());
        return Ok();
      }
    }

    job.Step("check the disk");
    const std::string adding = "adding disk " + (disk.path.empty() ? "(no path)" : disk.path);
    if (const std::string why = WhyDisksCannotChange(s.Snapshot()); !why.empty()) {
      return Error(Code::kInvalidReplicaState, adding + ": the disks cannot change now: " + why);
    }
    // The target's disks: the replica's name must be new there (a seed is not offered).
    HVR_ASSIGN_OR_RETURN(const auto existing, s.store->AsyncListDisks(use_future).get());
    std::vector<std::string> in_target;
    for (const DiskProperties& p : existing) in_target.push_back(p.name);
    ProtectionSettings next = s.settings;
    next.disks.push_back(disk);
    if (disk.replica_name.empty()) next.disks.back().replica_name = DefaultReplicaName(s.settings, in_target);
    next = WithDefaults(std::move(next));
    // Azure's disk count, a path, logs and replica name that no other disk of the VM has.
    if (Status valid = ValidateSettings(next); !valid.ok()) return valid.error().WithContext(adding);
    const DiskSpec& spec = next.disks.back();
    auto checked = CheckSourceDisk(spec, next.disks.size() - 1);
    if (!checked.ok()) return checked.error().WithContext(adding);
    if (HasName(in_target, spec.replica_name)) {
      return Error(Code::kConflict, adding + ": the target already has a disk named '" + spec.replica_name +
                                        "'; a disk added to a VM is copied to a new replica: delete that disk, or "
                                        "name the replica otherwise");
    }

    HVR_RETURN_IF_ERROR(s.Commit([&](SessionState& st) { st.disk_addition = DiskAddition{spec, *checked}; }));
    HVR_ASSIGN_OR_RETURN(std::string added, s.FinishDiskAddition(job));
    done.push_back(std::move(added));
    job.Summary(summary());
    return Ok();
  });
}

}  // namespace hvr
