// The session's frame: protecting and opening, running a
// job, recovery points, and the public entry points with the status they report. The work
// of each operation lives beside it: copies and resyncs in session_sync.cc, cycles in
// session_cycle.cc, the schedule in session_schedule.cc, failover and failback in
// session_failover.cc and session_failback.cc.
#include "hvr/session.hpp"

#include <algorithm>
#include <boost/asio/use_future.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "hvr/azure_limits.hpp"
#include "hvr/chunk_diff.hpp"
#include "hvr/disk.hpp"
#include "hvr/replica_reader.hpp"
#include "session/agent_identity.hpp"
#include "session/log_shipping.hpp"
#include "session/recovery_points.hpp"
#include "session/replica_mirror.hpp"
#include "session/session_impl.hpp"
#include "session/session_status.hpp"
#include "store/store_target.hpp"
#include "store/time_text.hpp"
#include "store/validation.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

using boost::asio::use_future;

// Failures of the network or the service: worth another try of the whole operation soon.
bool TransientForOperations(const Status& status) {
  if (status.ok()) return false;
  const Code code = status.error().code();
  return code == Code::kNetwork || code == Code::kTimeout || code == Code::kThrottled;
}

// Sleeps `wait`, waking early when `cancel` is cancelled; false when it was.
bool SleepUnlessCancelled(std::chrono::milliseconds wait, const CancelToken* cancel) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < until) {
    if (cancel && cancel->cancelled()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(100), until - std::chrono::steady_clock::now()));
  }
  return !(cancel && cancel->cancelled());
}

}  // namespace

Result<std::shared_ptr<ReplicaStore>> StoreFor(Engine& engine, const ProtectionSettings& settings,
                                               const SessionOptions& options) {
  StoreOptions base;
  base.log = options.log;
  base.retry = options.request_retry;
  base.clock = &engine.clock();
  HVR_ASSIGN_OR_RETURN(StoreOptions store_options, StoreOptionsFor(settings, base));
  return engine.Store(settings.target, store_options);
}

Session::Impl::Impl(Engine& e, StateDir d, ProtectionSettings s, SessionOptions o, SessionState st,
                    std::vector<Job> jobs)
    : engine(e),
      dir(std::move(d)),
      settings(std::move(s)),
      options(std::move(o)),
      host(options.host ? *options.host : DefaultHost()),
      clock(e.clock()),
      job_log(dir.read_only() ? nullptr : &dir, std::move(jobs), [this](const Job& job) { OnJob(job); }, e.clock()),
      maps(settings.disks.size()),
      journal(dir, std::move(st), [this](const SessionState& before, const SessionState& after) {
        Announce(before, after);
      }),
      recovery_points(journal) {}

ProtectionSettings Session::Impl::SettingsNow() const {
  // A read-only session reads them afresh: the process holding the directory changes them
  // (an operator's change it asked that process for among them).
  if (dir.read_only()) {
    if (auto fresh = dir.LoadSettings(); fresh.ok()) return *std::move(fresh);
  }
  std::lock_guard lock(settings_mu);
  return settings;
}

std::shared_ptr<ReplicaStore> Session::Impl::StoreNow() const {
  std::lock_guard lock(settings_mu);
  return store;
}

Status Session::Impl::RequireReplicationAllowed() const {
  const SessionState s = Snapshot();
  if (s.removing) {
    return Error(Code::kInvalidReplicaState,
                 "VM '" + settings.vm_name + "': protection is being removed; run unprotect again to finish");
  }
  if (s.suspended_since) {
    return Error(Code::kInvalidReplicaState, "VM '" + settings.vm_name + "': replication is suspended since " +
                                                 FormatUtcSeconds(*s.suspended_since) + "; resume it first");
  }
  return Ok();
}

HostVm Session::Impl::Vm() const {
  const SessionState s = Snapshot();
  HostVm vm{settings.vm_name, s.vm_id, {}};
  for (const DiskState& d : s.disks) vm.disks.push_back(d.source);
  return vm;
}

int Session::Impl::Buffers() const {
  return options.max_in_flight > 0 ? options.max_in_flight : settings.max_in_flight;
}

uint64_t Session::Impl::JoinGap() const {
  // A bandwidth limit in force narrows the link.
  const uint64_t limit = settings.bandwidth ? settings.bandwidth->RateAt(clock.Now()) : 0;
  return settings.link.JoinGap(limit);
}

ApplyOptions Session::Impl::ApplyOptionsFor(const CancelToken* cancel) const {
  ApplyOptions o;
  o.buffers = Buffers();
  o.join_gap = JoinGap();
  o.cancel = cancel;
  return o;
}

std::string Session::Impl::NextJobId() {
  uint64_t n = 0;
  const Status saved = Commit([&](SessionState& s) { n = s.next_job++; });
  // An id that could not be saved may come again after a crash; jobs stay apart by time.
  if (!saved.ok() && options.log) options.log(LogLevel::kWarning, "job id: " + saved.error().ToString());
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%06llu", static_cast<unsigned long long>(n));
  return "job-" + Snapshot().vm_id.ToString().substr(0, 8) + "-" + buffer;
}

Status Session::Impl::RunJob(JobType type, bool replication, const std::function<Status(RunningJob&)>& body,
                             const CancelToken* cancel) {
  if (dir.read_only()) {
    return Error(Code::kConflict, "VM '" + settings.vm_name + "': the session was opened read-only");
  }
  std::lock_guard operation(operation_mu);
  std::optional<Engine::Turn> turn(engine.Admit());
  const TimePoint started = clock.Now();
  RunningJob job = job_log.Start(type, settings.vm_name, NextJobId());
  Status result = body(job);
  if (replication) CountNetworkFailure(result);
  // Replication operations start over safely (docs/session.md): a failure of the network
  // or the service that outlasted the store's own retries gets a few more tries here,
  // seconds apart, before the VM-level schedule, minutes apart, takes over.
  const auto& delays = options.operation_retry_delays;
  for (size_t i = 0; replication && i < delays.size() && TransientForOperations(result); ++i) {
    job.Note("trying again in " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(delays[i]).count()) +
             " s after " + result.error().ToString());
    if (options.on_event) {
      Event e(EventId::kRetryScheduled);
      e.reason = result.error().ToString();
      e.retries = static_cast<int>(i);
      e.next_attempt = clock.Now() + delays[i];
      e.job_id = job.id();
      e.message = "retry " + std::to_string(i + 1) + " within " + job.id() + " at " + FormatUtcSeconds(*e.next_attempt) +
                  " after " + e.reason;
      Emit(std::move(e));
    }
    turn.reset();  // other sessions may use the engine meanwhile
    if (!SleepUnlessCancelled(delays[i], cancel)) {
      result = Error(Code::kCancelled, "cancelled while waiting to try again after " + result.error().ToString());
      break;
    }
    turn.emplace(engine.Admit());
    result = body(job);
    CountNetworkFailure(result);
  }
  if (!result.ok()) result = result.error().WithContext("VM '" + settings.vm_name + "'");
  if (replication) RecordOutcome(result, started);
  return job.Finish(std::move(result));
}

void Session::Impl::CountNetworkFailure(const Status& attempt) {
  if (attempt.ok()) return;
  const Code code = attempt.error().code();
  if (code != Code::kNetwork && code != Code::kTimeout) return;
  const Status saved = Commit([](SessionState& s) { s.Count([](ReplicationStatistics& r) { ++r.network_failures; }); });
  if (!saved.ok() && options.log) options.log(LogLevel::kError, "counting a failure: " + saved.error().ToString());
}

void Session::Impl::RecordOutcome(const Status& result, TimePoint started) {
  Status saved;
  const auto also = [&saved](Status more) {
    if (saved.ok()) saved = std::move(more);
  };
  if (result.ok()) {
    saved = Commit([](SessionState& s) { s.failure.reset(); });
  } else {
    const Error& error = result.error();
    // A cancelled attempt broke nothing: the schedule simply runs it again.
    if (error.code() != Code::kCancelled) {
      saved = Commit([](SessionState& s) { s.Count([](ReplicationStatistics& r) { ++r.failed_cycles; }); });
    }
    switch (error.error_class()) {
      case ErrorClass::kResyncRequired:
        also(MarkForResync(error.message(), false));
        break;
      case ErrorClass::kNonRecoverable:
        also(Commit([&](SessionState& s) {
          s.critical = error;
          s.failure.reset();
        }));
        break;
      case ErrorClass::kRecoverable:
        if (error.code() == Code::kCancelled) break;
        also(Commit([&](SessionState& s) {
          RetryPolicy().RecordFailure(s.failure, error, started, IntervalDuration(settings.interval));
        }));
        break;
      case ErrorClass::kNone:
        break;
    }
  }
  if (!saved.ok() && options.log) options.log(LogLevel::kError, "recording the outcome: " + saved.error().ToString());
}

Status Session::Impl::MarkForResync(const std::string& reason, bool by_hand, bool verify_replicas) {
  return Commit([&](SessionState& s) {
    if (s.state == ReplicationState::kReplicating) s.state = ReplicationState::kResyncRequired;
    if (s.state != ReplicationState::kResyncRequired && s.state != ReplicationState::kResynchronizing) return;
    s.resync_reason = reason;
    s.resync_by_hand = s.resync_by_hand || by_hand;
    s.failure.reset();
    for (DiskState& d : s.disks) d.verify_replica = d.verify_replica || verify_replicas;
  });
}

Status Session::Impl::FinishLeftovers(RunningJob& job) {
  const SessionState s = Snapshot();
  // While a copy runs, the checkpoint and the obsolete logs are its own. Otherwise they
  // are a finished copy's (its point exists; the run stopped before cleaning up), and a
  // new copy must not take that old view for its own.
  if (s.state != ReplicationState::kReplicating && s.state != ReplicationState::kResyncRequired) return Ok();
  std::vector<std::string> obsolete;
  for (const DiskState& d : s.disks) obsolete.insert(obsolete.end(), d.obsolete_logs.begin(), d.obsolete_logs.end());
  if (!obsolete.empty()) {
    HVR_RETURN_IF_ERROR(DeleteLogs(obsolete));
    HVR_RETURN_IF_ERROR(Commit([](SessionState& st) {
      for (DiskState& d : st.disks) d.obsolete_logs.clear();
    }));
  }
  if (s.checkpoint_active) {
    job.Step("merge checkpoint");
    HVR_RETURN_IF_ERROR(host.MergeCheckpoint(Vm()));
    HVR_RETURN_IF_ERROR(Commit([](SessionState& st) {
      st.checkpoint_active = st.copy_done = false;
      for (DiskState& d : st.disks) d.frozen_path.clear();
    }));
  }
  return Ok();
}

Result<Manifest> Session::Impl::LoadManifest(size_t disk, bool zeros_when_missing) const {
  const SessionState s = Snapshot();
  const DiskState& d = s.disks[disk];
  // While the replica grows (disk_growth.cc), its manifest may have either size.
  ManifestExpectation expected{d.replica_size, settings.chunk_size};
  if (d.growing_to != 0) expected.disk_size.reset();
  auto loaded = hvr::LoadManifest(dir.ManifestPath(d.replica), expected);
  if (loaded.ok() || loaded.error().code() != Code::kNotFound) return loaded;
  if (zeros_when_missing) return Manifest::Zeros(d.replica_size, settings.chunk_size);
  // Nothing known of the replica: every chunk is unknown, so everything is compared.
  const uint64_t count = (d.replica_size + settings.chunk_size - 1) / settings.chunk_size;
  return Manifest::FromHashes(d.replica_size, settings.chunk_size,
                              std::vector<ChunkHash>(count, ChunkHash::Unknown()));
}

Status Session::Impl::SaveManifest(size_t disk, const Manifest& manifest) const {
  return hvr::SaveManifest(manifest, dir.ManifestPath(Snapshot().disks[disk].replica));
}

Result<VmRecoveryPoint> Session::Impl::TakePoint(uint64_t sequence, TimePoint source_time, bool app_consistent,
                                                 const std::vector<std::string>& log_ids) {
  return recovery_points.Take(*store, sequence, source_time, app_consistent, log_ids);
}

Status Session::Impl::Prune() { return recovery_points.Prune(*store, clock.Now(), settings.recovery_history); }

Status Session::Impl::Mirror() {
  HVR_RETURN_IF_ERROR(recovery_points.Mirror(*store, settings));
  return RecordReplicaEtags();
}

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Session::~Session() {
  std::lock_guard operation(impl_->operation_mu);
  impl_->leases.reset();
}

Status ValidateSessionOptions(const SessionOptions& options) {
  // 0 keeps the settings' requests in flight.
  if (options.max_in_flight != 0) {
    const Status valid = ValidateMaxInFlight(options.max_in_flight);
    if (!valid.ok()) return valid.error().WithContext("session options");
  }
  HVR_RETURN_IF_ERROR(ValidateRequestRetryOptions(options.request_retry));
  if (!options.agent_id_file.empty()) {
    HVR_RETURN_IF_ERROR(ValidateAgentIdFile(options.agent_id_file, "session options: agent id file"));
  }
  if (options.operation_retry_delays.size() > kMaxOperationRetries) {
    return Error(Code::kInvalidArgument, "operation retries: at most " + std::to_string(kMaxOperationRetries) +
                                             " delays, not " + std::to_string(options.operation_retry_delays.size()));
  }
  for (const auto delay : options.operation_retry_delays) {
    if (delay < std::chrono::milliseconds(0) || delay > std::chrono::minutes(10)) {
      return Error(Code::kInvalidArgument, "operation retries: each delay must be 0 to 600000 ms, not " +
                                               std::to_string(delay.count()));
    }
  }
  return Ok();
}

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

Status Session::ReplicateInitially(const CancelToken* cancel) {
  return impl_->RunJob(
      JobType::kInitialReplication, true,
      [&](RunningJob& job) -> Status {
        HVR_RETURN_IF_ERROR(impl_->RequireReplicationAllowed());
        const ReplicationState st = impl_->Snapshot().state;
        if (st != ReplicationState::kEnabled && st != ReplicationState::kInitialReplication) {
          return Error(Code::kInvalidReplicaState,
                       std::string("initial replication is done (the VM is ") + ReplicationStateName(st) + ")");
        }
        return impl_->Synchronize(job, true, cancel);
      },
      cancel);
}

Status Session::Resynchronize(const CancelToken* cancel) { return Resynchronize(ResyncOptions{}, cancel); }

Status Session::Resynchronize(const ResyncOptions& options, const CancelToken* cancel) {
  return impl_->RunJob(
      JobType::kResynchronization, true,
      [&](RunningJob& job) -> Status {
        HVR_RETURN_IF_ERROR(impl_->RequireReplicationAllowed());
        const ReplicationState st = impl_->Snapshot().state;
        if (st != ReplicationState::kReplicating && st != ReplicationState::kResyncRequired &&
            st != ReplicationState::kResynchronizing) {
          return Error(Code::kInvalidReplicaState,
                       std::string("a resync needs a replicating VM (it is ") + ReplicationStateName(st) + ")");
        }
        HVR_RETURN_IF_ERROR(RequireNoDiskAddition(impl_->Snapshot()));  // before it is marked
        if (st == ReplicationState::kReplicating || options.verify_replica) {
          const std::string reason = st == ReplicationState::kReplicating ? "requested by an operator"
                                                                          : impl_->Snapshot().resync_reason;
          HVR_RETURN_IF_ERROR(impl_->MarkForResync(reason, true, options.verify_replica));
        }
        return impl_->Synchronize(job, false, cancel);
      },
      cancel);
}

Result<CycleReport> Session::RunCycle(const CancelToken* cancel) {
  CycleReport report;
  HVR_RETURN_IF_ERROR(impl_->RunJob(
      JobType::kDeltaReplication, true,
      [&](RunningJob& job) -> Status {
        HVR_RETURN_IF_ERROR(impl_->RequireReplicationAllowed());
        HVR_ASSIGN_OR_RETURN(report, impl_->Cycle(job, cancel));
        return Ok();
      },
      cancel));
  return report;
}

Status Session::RequestResync(const std::string& reason, const ResyncOptions& options) {
  const std::string why = reason.empty() ? "requested by an operator" : reason;
  if (impl_->dir.read_only()) return impl_->dir.LeaveResyncRequest(why, options.verify_replica);
  std::lock_guard operation(impl_->operation_mu);
  const ReplicationState st = impl_->Snapshot().state;
  if (st != ReplicationState::kReplicating && st != ReplicationState::kResyncRequired &&
      st != ReplicationState::kResynchronizing) {
    return Error(Code::kInvalidReplicaState,
                 std::string("a resync needs a replicating VM (it is ") + ReplicationStateName(st) + ")");
  }
  return impl_->MarkForResync(why, true, options.verify_replica);
}

Status Session::ResetStatistics() {
  if (impl_->dir.read_only()) return impl_->dir.LeaveStatisticsReset();
  return impl_->Commit([&](SessionState& s) {
    s.statistics = ReplicationStatistics{};
    s.statistics.since = impl_->clock.Now();
  });
}

Status Session::ClearError() {
  if (impl_->dir.read_only()) return Error(Code::kConflict, "the session was opened read-only");
  std::lock_guard operation(impl_->operation_mu);
  return impl_->Commit([](SessionState& s) {
    s.critical.reset();
    s.failure.reset();
  });
}

bool VerifyReport::identical() const {
  return std::all_of(disks.begin(), disks.end(), [](const DiskVerification& d) { return d.identical; });
}

Result<VerifyReport> Session::Verify(const std::string& which, const CancelToken* cancel) const {
  VerifyReport report;
  HVR_ASSIGN_OR_RETURN(report.point, ChoosePoint(impl_->Snapshot().points, which));
  const SessionState s = impl_->Snapshot();
  // The disks the point holds (one added to the VM after it is in none).
  for (size_t i = 0; i < report.point.snapshots.size() && i < s.disks.size(); ++i) {
    HVR_ASSIGN_OR_RETURN(auto source, OpenDisk(s.disks[i].source));
    HVR_ASSIGN_OR_RETURN(auto replica, OpenReplicaReader(*impl_->store, s.disks[i].replica, report.point.snapshots.at(i)));
    // The source as the replica holds it: zeros up to the replica's whole MiB.
    const PaddedDisk source_view(*source, replica->info().virtual_size);
    ChunkOptions options;
    options.cancel = cancel;
    HVR_ASSIGN_OR_RETURN(const DiffResult diff, Diff(source_view, *replica, options));
    DiskVerification d;
    d.source = s.disks[i].source;
    d.replica = s.disks[i].replica;
    d.identical = diff.identical();
    d.differing_bytes = diff.totals.data_bytes + diff.totals.zero_bytes + diff.totals.past_source_end_bytes;
    if (!diff.runs.empty()) d.first_difference = diff.runs.front().range.offset;
    report.disks.push_back(std::move(d));
  }
  return report;
}

namespace {

// The job another process runs, as it last published it; empty when none runs, or when
// the jobs it saved since say the job is over (a process that died mid-job leaves it
// running in live.json until the next one starts).
std::optional<LiveJob> RunningElsewhere(const StateDir& dir, const std::vector<Job>& saved) {
  auto live = dir.LoadLiveJob();
  if (!live.ok() || !*live || (*live)->job.state != JobState::kRunning) return std::nullopt;
  for (const Job& job : saved) {
    if (job.id == (*live)->job.id && job.state != JobState::kRunning) return std::nullopt;
  }
  return std::move(**live);
}

}  // namespace

std::vector<Job> Session::jobs() const {
  if (!impl_->dir.read_only()) return impl_->job_log.jobs();
  auto fresh = impl_->dir.LoadJobs();
  if (!fresh.ok()) return impl_->job_log.jobs();
  if (auto live = RunningElsewhere(impl_->dir, *fresh)) {
    // The saved jobs have its steps; live.json has where the step stands.
    auto same = std::find_if(fresh->begin(), fresh->end(), [&](const Job& j) { return j.id == live->job.id; });
    if (same == fresh->end()) fresh->push_back(std::move(live->job));
    else *same = std::move(live->job);
  }
  return std::move(*fresh);
}

std::optional<JobProgress> Session::progress() const { return impl_->Progress(); }

std::optional<JobProgress> Session::Impl::Progress() const {
  if (!dir.read_only()) return job_log.progress();
  auto saved = dir.LoadJobs();
  auto live = RunningElsewhere(dir, saved.ok() ? *saved : std::vector<Job>{});
  if (!live) return std::nullopt;
  return live->progress;
}

std::vector<VmRecoveryPoint> Session::recovery_points() const { return impl_->Snapshot().points; }

ProtectionSettings Session::settings() const { return impl_->SettingsNow(); }

const std::string& Session::state_dir() const { return impl_->dir.path(); }

SessionStatus Session::status() const { return impl_->CurrentStatus(); }

SessionStatus Session::Impl::CurrentStatus() const {
  SessionStatus out = StatusOf(Snapshot(), SettingsNow(), clock.Now());
  const std::shared_ptr<ReplicaStore> now_store = StoreNow();
  out.target = now_store->description();
  out.store = now_store->statistics();
  out.progress = Progress();
  return out;
}

}  // namespace hvr
