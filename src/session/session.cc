// The session's frame: running a job, the journal's shorthands, manifests, and the public
// entry points with the status they report. The work of each operation lives beside it:
// protecting and opening in session_open.cc, copies and resyncs in session_sync.cc,
// cycles in session_cycle.cc, the schedule in session_schedule.cc, recovery points in
// recovery_points.cc, the status in session_status.cc, failover and failback in
// session_failover.cc and session_failback.cc.
#include "hvr/session.hpp"

#include <algorithm>
#include <boost/asio/use_future.hpp>
#include <cstdio>
#include <thread>

#include "hvr/chunk_diff.hpp"
#include "hvr/disk.hpp"
#include "hvr/replica_reader.hpp"
#include "session/log_shipping.hpp"
#include "session/recovery_points.hpp"
#include "session/session_impl.hpp"
#include "session/session_status.hpp"
#include "store/store_target.hpp"
#include "store/time_text.hpp"

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
