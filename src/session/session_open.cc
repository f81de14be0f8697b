// Protecting a VM and opening a protection: the options and settings checked, the sources
// and the target checked before anything is saved (all or nothing), the state directory
// made, loaded or taken over from a protection that did not finish, and the leases made
// (docs/session.md "The state directory is the journal").
#include <algorithm>
#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "hvr/azure_limits.hpp"
#include "hvr/disk.hpp"
#include "session/agent_identity.hpp"
#include "session/replica_mirror.hpp"
#include "session/session_impl.hpp"
#include "store/store_target.hpp"
#include "store/validation.hpp"
#include "util/path.hpp"

namespace hvr {

using boost::asio::use_future;

namespace {

// What an existing state directory holds for a new protection: nothing, or the state of
// a protection that did not finish, which the new one replaces (keeping its VM id, so
// that the replica disks it made are known as this relationship's). kConflict when it
// protects a VM.
Result<std::optional<SessionState>> UnfinishedProtection(const StateDir& dir, const std::string& vm_name) {
  if (!dir.HasRelationship()) return std::optional<SessionState>();
  auto loaded = dir.LoadState();
  if (!loaded.ok() && loaded.error().code() == Code::kNotFound) return std::optional<SessionState>();
  if (!loaded.ok()) return std::move(loaded).error();
  if (loaded->protection_complete) {
    HVR_ASSIGN_OR_RETURN(const ProtectionSettings existing, dir.LoadSettings());
    if (existing.vm_name != vm_name) {
      return Error(Code::kConflict, "state directory " + dir.path() + " holds the relationship of VM '" +
                                        existing.vm_name + "'");
    }
    return Error(Code::kConflict, "VM '" + vm_name + "' is already protected (" +
                                      ReplicationStateName(loaded->state) + "); open it instead");
  }
  return std::optional<SessionState>(std::move(*loaded));
}

// The replica disks `settings` asks for, checked against the sources and the target:
// every source opens (chains intact) and fits Azure's limits; a disk of a replica's name
// that the target holds (`existing`) must be this relationship's (VM `vm_id`), or with
// `seed` one no relationship made, and of the size wanted. `unfinished` is what a
// protection that did not finish recorded of the disks.
Result<std::vector<DiskState>> PlanReplicas(const ProtectionSettings& settings,
                                            const std::vector<DiskProperties>& existing, const Guid& vm_id, bool seed,
                                            const std::vector<DiskState>& unfinished) {
  std::vector<DiskState> disks;
  for (size_t i = 0; i < settings.disks.size(); ++i) {
    HVR_ASSIGN_OR_RETURN(DiskState d, CheckSourceDisk(settings.disks[i], i));
    for (const DiskProperties& p : existing) {
      if (p.name != d.replica) continue;
      const std::string made_by = MirroredVmId(p.metadata);
      const bool ours = made_by == vm_id.ToString();
      if (!ours && !(seed && made_by.empty())) {
        return Error(Code::kConflict, "the target already has a disk named '" + d.replica +
                                          "' that this relationship did not create" +
                                          (made_by.empty() ? std::string("; --seed uses it as a copy of the source")
                                                           : "; it replicates VM id " + made_by + " (adopt it instead)"));
      }
      if (p.virtual_size != d.replica_size) {
        return Error(Code::kInvalidReplicaState,
                     std::string(ours ? "replica disk '" : "seed disk '") + d.replica + "' has " +
                         std::to_string(p.virtual_size) + " bytes, not the " + std::to_string(d.replica_size) +
                         " that " + d.source + " needs (its virtual size in whole MiB)");
      }
      // A seed this relationship already marked as its own is still a seed.
      const bool seeded_before = std::any_of(unfinished.begin(), unfinished.end(), [&](const DiskState& u) {
        return u.replica == d.replica && u.seeded;
      });
      d.seeded = !ours || seeded_before;
    }
    disks.push_back(std::move(d));
  }
  return disks;
}

}  // namespace

Result<DiskState> CheckSourceDisk(const DiskSpec& spec, size_t index) {
  // Opening checks the format, every checksum on the way, and the parent chain.
  HVR_ASSIGN_OR_RETURN(auto disk, OpenDisk(spec.path));
  DiskState d;
  d.source = spec.path;
  d.source_size = disk->info().virtual_size;
  d.replica = spec.replica_name;
  d.replica_size = ReplicaSizeFor(d.source_size);
  HVR_RETURN_IF_ERROR(CheckDiskSize(index, d.replica_size));
  return d;
}

Result<ProtectionCheck> CheckProtection(Engine& engine, const std::string& state_dir, const ProtectionSettings& input,
                                        const SessionOptions& options) {
  HVR_RETURN_IF_ERROR(ValidateSessionOptions(options));
  HVR_RETURN_IF_ERROR(ValidateSettings(input));
  // Before anything is saved or created: a SAS without delete would be found out only at
  // the first prune, and the VM would then stay Critical.
  HVR_ASSIGN_OR_RETURN(const StoreTarget target, ParseStoreTarget(input.target));
  HVR_RETURN_IF_ERROR(CheckTargetGrants(target, kReplicationPermissions));
  ProtectionCheck check;
  check.settings = WithDefaults(input);
  // All or nothing: a directory that exists is locked and read first, but nothing is
  // saved, and no directory made, before the disks, the encryption key, the target and
  // its credentials have all passed their checks.
  std::error_code ec;
  if (std::filesystem::exists(PathFromUtf8(state_dir), ec)) {
    HVR_ASSIGN_OR_RETURN(StateDir opened, StateDir::Open(state_dir, false, false));
    check.dir.emplace(std::move(opened));
    HVR_ASSIGN_OR_RETURN(auto unfinished, UnfinishedProtection(*check.dir, check.settings.vm_name));
    if (unfinished) check.unfinished = std::move(*unfinished);
  }
  const Status reached = [&]() -> Status {
    HVR_ASSIGN_OR_RETURN(check.store, StoreFor(engine, check.settings, options));  // reads the encryption key
    // Reaches the target and proves the credentials.
    HVR_ASSIGN_OR_RETURN(check.existing, check.store->AsyncListDisks(use_future).get());
    return Ok();
  }();
  if (!reached.ok()) return reached.error().WithContext("VM '" + check.settings.vm_name + "'");
  return check;
}

Result<std::unique_ptr<Session::Impl>> Session::Impl::Create(Engine& engine, const std::string& state_dir,
                                                             ProtectionCheck& check, const SessionState& state,
                                                             SessionOptions options) {
  if (!check.dir) {
    HVR_ASSIGN_OR_RETURN(StateDir made, StateDir::Open(state_dir, true, false));
    check.dir.emplace(std::move(made));
    if (check.dir->HasRelationship()) {
      return Error(Code::kConflict, "state directory " + state_dir + " was given a relationship meanwhile");
    }
  }
  HVR_RETURN_IF_ERROR(check.dir->SaveSettings(check.settings));
  HVR_RETURN_IF_ERROR(check.dir->SaveState(state));
  HVR_ASSIGN_OR_RETURN(std::vector<Job> jobs, check.dir->LoadJobs());
  auto impl = std::make_unique<Impl>(engine, std::move(*check.dir), check.settings, std::move(options), state,
                                     std::move(jobs));
  check.dir.reset();
  impl->store = check.store;
  HVR_RETURN_IF_ERROR(impl->StartLeases());
  impl->announced_health = impl->CurrentStatus().health;
  return impl;
}

Status Session::Impl::StartLeases() {
  HVR_ASSIGN_OR_RETURN(const Guid agent, LoadAgentId(options.agent_id_file));
  // The lease says who writes now; the owner the replica names says whose it is.
  const auto owned = [this](const std::string& disk) -> Status {
    HVR_ASSIGN_OR_RETURN(const DiskProperties replica, StoreNow()->AsyncGetDisk(disk, use_future).get());
    return RequireOwner(disk, replica.metadata, Snapshot().owner);
  };
  leases = std::make_unique<LeaseKeeper>(*store, LeaseIdFor(agent, dir.path(), Snapshot().vm_id), options.log, owned);
  return Ok();
}

Result<std::unique_ptr<Session>> Session::Protect(Engine& engine, const std::string& state_dir,
                                                  const ProtectionSettings& input, SessionOptions options) {
  return Protect(engine, state_dir, input, ProtectOptions{}, std::move(options));
}

Result<std::unique_ptr<Session>> Session::Protect(Engine& engine, const std::string& state_dir,
                                                  const ProtectionSettings& input, const ProtectOptions& protect,
                                                  SessionOptions options) {
  HVR_ASSIGN_OR_RETURN(ProtectionCheck check, CheckProtection(engine, state_dir, input, options));
  const ProtectionSettings& settings = check.settings;
  SessionState state = std::move(check.unfinished);
  const Guid vm_id = state.vm_id.IsZero() ? Guid::Random() : state.vm_id;
  auto planned = PlanReplicas(settings, check.existing, vm_id, protect.seed, state.disks);
  if (!planned.ok()) return planned.error().WithContext("VM '" + settings.vm_name + "'");
  const std::vector<DiskState>& disks = *planned;
  const std::shared_ptr<ReplicaStore> store = check.store;
  // Replica disks an unfinished protection made that these settings no longer name.
  for (const DiskState& old : state.disks) {
    const bool kept = std::any_of(disks.begin(), disks.end(), [&](const DiskState& d) { return d.replica == old.replica; });
    const bool made = std::any_of(check.existing.begin(), check.existing.end(), [&](const DiskProperties& p) {
      return p.name == old.replica && MirroredVmId(p.metadata) == vm_id.ToString();
    });
    if (!kept && made) HVR_RETURN_IF_ERROR(UnlessNotFound(store->AsyncDeleteDisk(old.replica, use_future).get()));
  }
  if (state.vm_id.IsZero()) {
    state.vm_id = vm_id;
    state.statistics.since = state.lifetime_statistics.since = engine.clock().Now();
  }
  if (state.owner.IsZero()) state.owner = Guid::Random();
  state.disks = disks;
  state.state = ReplicationState::kEnabled;
  HVR_ASSIGN_OR_RETURN(auto impl, Impl::Create(engine, state_dir, check, state, std::move(options)));
  Impl& s = *impl;
  const Status enabled = s.RunJob(JobType::kEnableProtection, false, [&](RunningJob& job) -> Status {
    job.Step("create replica disks");
    size_t seeds = 0;
    for (size_t i = 0; i < state.disks.size(); ++i) {
      const DiskState& d = state.disks[i];
      seeds += d.seeded ? 1 : 0;
      const bool there = std::any_of(check.existing.begin(), check.existing.end(),
                                     [&](const DiskProperties& p) { return p.name == d.replica; });
      if (!there) {
        HVR_RETURN_IF_ERROR(
            store->AsyncCreateDisk(d.replica, d.replica_size, MirrorMetadata(settings, state, i), use_future).get());
      }
    }
    job.Step("take leases");
    std::vector<std::string> names;
    for (const DiskState& d : state.disks) names.push_back(d.replica);
    HVR_RETURN_IF_ERROR(s.leases->Hold(names));
    // A seed carries no mirror yet: from now on it is this relationship's.
    if (seeds > 0) HVR_RETURN_IF_ERROR(s.Mirror());
    HVR_RETURN_IF_ERROR(s.Commit([](SessionState& st) { st.protection_complete = true; }));
    job.Summary(std::to_string(state.disks.size()) + " replica disks in " + store->description() +
                (seeds > 0 ? " (" + std::to_string(seeds) + " seeded: compared, not copied)" : std::string()));
    return Ok();
  });
  if (!enabled.ok()) return enabled.error();
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

Result<std::unique_ptr<Session::Impl>> Session::Impl::Load(Engine& engine, StateDir dir, SessionOptions options,
                                                           bool read_only, bool complete_only) {
  HVR_ASSIGN_OR_RETURN(ProtectionSettings settings, dir.LoadSettings());
  auto state = dir.LoadState();
  if (!state.ok() && state.error().code() != Code::kNotFound) return std::move(state).error();
  if (complete_only && (!state.ok() || !state->protection_complete)) {
    return Error(Code::kInvalidReplicaState, "protection of VM '" + settings.vm_name +
                                                 "' did not finish; run protect again (its settings replace those it began with)");
  }
  HVR_ASSIGN_OR_RETURN(std::vector<Job> jobs, dir.LoadJobs());
  if (state.ok()) {
    LeaveOutRemovedDisk(settings, *state);
    LeaveOutAddedDisk(settings, *state);
  }
  auto impl = std::make_unique<Impl>(engine, std::move(dir), std::move(settings), std::move(options),
                                     state.ok() ? std::move(*state) : SessionState{}, std::move(jobs));
  HVR_ASSIGN_OR_RETURN(impl->store, StoreFor(engine, impl->settings, impl->options));
  if (!read_only) {
    HVR_RETURN_IF_ERROR(impl->StartLeases());
    impl->job_log.MarkInterrupted();
    impl->announced_health = impl->CurrentStatus().health;
  }
  return impl;
}

Result<std::unique_ptr<Session>> Session::Open(Engine& engine, const std::string& state_dir, SessionOptions options,
                                               bool read_only) {
  HVR_RETURN_IF_ERROR(ValidateSessionOptions(options));
  HVR_ASSIGN_OR_RETURN(StateDir dir, StateDir::Open(state_dir, false, read_only));
  if (!dir.HasRelationship()) return Error(Code::kNotFound, "state directory " + state_dir + " protects no VM");
  HVR_ASSIGN_OR_RETURN(auto impl, Impl::Load(engine, std::move(dir), std::move(options), read_only, true));
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

}  // namespace hvr
