// One delta cycle: rotate, verify, coalesce, write, recovery point, prune, delete the
// shipped logs; in that order, so that a crash anywhere repeats the cycle and loses
// nothing.
#include <chrono>
#include <cstdio>

#include "hvr/hrl_coalesce.hpp"
#include "hvr/replica_reader.hpp"
#include "session/log_shipping.hpp"
#include "session/session_impl.hpp"

namespace hvr {

// Its steps, in the order docs/session.md ("A delta cycle") gives.
Result<CycleReport> Session::Impl::Cycle(RunningJob& job, const CancelToken* cancel) {
  CycleRun run;
  run.attempt = clock.Now();
  CycleReport report;
  HVR_RETURN_IF_ERROR(StartCycle(job, run));

  job.Step("rotate logs");
  HVR_RETURN_IF_ERROR(RotateCycleLogs(run));

  job.Step("verify logs");
  HVR_ASSIGN_OR_RETURN(const bool any, FindCycleLogs(run, report));
  if (!any) {
    job.Summary("no new logs");
    return report;
  }
  HVR_RETURN_IF_ERROR(PrepareCycleWrites(job, run));

  for (size_t i = 0; i < run.pending.size(); ++i) HVR_RETURN_IF_ERROR(ShipDiskLogs(job, i, run, report, cancel));

  job.Step("take recovery point");
  HVR_ASSIGN_OR_RETURN(const VmRecoveryPoint point, RecordCyclePoint(run, report));

  // Only now may the shipped logs go: their content is in a recovery point.
  job.Step("prune and clean up");
  HVR_RETURN_IF_ERROR(Prune());
  for (const PendingLogs& logs : run.pending) HVR_RETURN_IF_ERROR(DeleteLogs(logs.paths));
  HVR_RETURN_IF_ERROR(Mirror());

  report.shipped = true;
  report.point = point;
  report.elapsed = std::chrono::steady_clock::now() - run.started;
  char summary[160];
  std::snprintf(summary, sizeof summary, "recovery point %s%s: %zu logs, %.1f MiB written in %zu page writes",
                point.id.c_str(), point.app_consistent ? " (app-consistent)" : "", report.logs,
                static_cast<double>(report.bytes_sent) / (1 << 20), static_cast<size_t>(report.page_writes));
  job.Summary(summary);
  return report;
}

Status Session::Impl::StartCycle(RunningJob& job, CycleRun& run) {
  {
    const SessionState s = Snapshot();
    if (s.state != ReplicationState::kReplicating) {
      return Error(Code::kInvalidReplicaState,
                   std::string("delta replication needs a protected VM (it is ") + ReplicationStateName(s.state) +
                       (s.resync_reason.empty() ? "" : ": " + s.resync_reason) + ")");
    }
  }
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
    // Intervals that passed without a cycle starting were missed.
    const Duration interval = IntervalDuration(settings.interval);
    if (s.last_cycle_attempt && run.attempt - *s.last_cycle_attempt >= 2 * interval) {
      const auto missed = static_cast<uint64_t>((run.attempt - *s.last_cycle_attempt) / interval) - 1;
      s.Count([&](ReplicationStatistics& r) { r.missed_cycles += missed; });
    }
    s.last_cycle_attempt = run.attempt;
  }));
  std::vector<std::string> replicas;
  for (const DiskState& d : Snapshot().disks) replicas.push_back(d.replica);
  HVR_RETURN_IF_ERROR(leases->Hold(replicas));
  HVR_RETURN_IF_ERROR(FinishLeftovers(job));
  // An app-consistent point is due once the frequency has passed since the last one.
  const auto frequency = settings.app_consistent_frequency;
  const auto last_app = Snapshot().last_app_consistent;
  run.quiesce = frequency.count() > 0 && (!last_app || run.attempt - *last_app >= frequency);
  return Ok();
}

Status Session::Impl::RotateCycleLogs(CycleRun& run) {
  HVR_ASSIGN_OR_RETURN(run.rotated, host.RotateLogs(Vm(), run.quiesce));
  // Measured after the rotation, so that the sizes cover every write the closed logs
  // hold. A source that shrank stops the cycle here, before anything is written.
  HVR_ASSIGN_OR_RETURN(run.replica_sizes, CheckSourceSizes(run.source_sizes));
  return Ok();
}

Result<bool> Session::Impl::FindCycleLogs(CycleRun& run, CycleReport& report) {
  const size_t disks = settings.disks.size();
  bool any = false;
  for (size_t i = 0; i < disks; ++i) {
    const DiskState d = Snapshot().disks[i];
    HVR_ASSIGN_OR_RETURN(PendingLogs logs, FindPendingLogs(settings.disks[i], d));
    // Leftovers of a cycle that made its point and then crashed.
    HVR_RETURN_IF_ERROR(DeleteLogs(logs.applied));
    HVR_RETURN_IF_ERROR(DeleteLogs(logs.obsolete));
    any = any || !logs.paths.empty();
    run.pending.push_back(std::move(logs));
  }
  report.elapsed = std::chrono::steady_clock::now() - run.started;
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
    for (size_t i = 0; i < disks; ++i) s.disks[i].pending_log_bytes = run.pending[i].bytes;
    s.Count([&](ReplicationStatistics& r) {
      if (run.quiesce && !run.rotated.quiesced) ++r.app_consistent_failures;
      if (any) return;
      ++r.successful_cycles;
      r.last_cycle_duration = std::chrono::duration_cast<Duration>(report.elapsed);
    });
  }));
  return any;
}

Status Session::Impl::PrepareCycleWrites(RunningJob& job, CycleRun& run) {
  const size_t disks = run.pending.size();
  run.identities.assign(disks, Guid{});
  for (size_t i = 0; i < disks; ++i) {
    const DiskState d = Snapshot().disks[i];
    HVR_RETURN_IF_ERROR(CheckPendingLogs(run.pending[i], d, run.identities[i]));
    HVR_RETURN_IF_ERROR(CheckLogVolume(run.pending[i], d.replica_size));
  }
  // Logs apply only on the base hvr wrote (replica_guard.cc).
  HVR_RETURN_IF_ERROR(BeginReplicaWrites());
  // A source that grew: its replica grows first, so that the logs' writes in the new
  // part fit (disk_growth.cc).
  for (size_t i = 0; i < disks; ++i) {
    HVR_RETURN_IF_ERROR(FollowSourceSize(job, i, run.source_sizes[i], run.replica_sizes[i], nullptr));
  }
  run.sent.assign(disks, 0);
  return Ok();
}

Status Session::Impl::ShipDiskLogs(RunningJob& job, size_t i, CycleRun& run, CycleReport& report,
                                   const CancelToken* cancel) {
  const DiskState d = Snapshot().disks[i];
  const PendingLogs& logs = run.pending[i];
  if (logs.paths.empty()) {
    run.log_ids.push_back(d.last_applied_log ? d.last_applied_log->ToString() : std::string());
    return Ok();
  }
  job.Step("ship disk " + std::to_string(i) + " (" + d.replica + ")");
  MapForCycle in_use(maps[i]);
  ExtentMap& map = in_use.map();
  CoalesceOptions coalesce;
  coalesce.previous_unique_id = d.last_applied_log;
  coalesce.cancel = cancel;
  coalesce.progress = [&](uint64_t done, uint64_t total) { job.Progress(done, total); };
  auto summary = CoalesceLogs(logs.paths, d.replica_size, map, coalesce);
  if (!summary.ok()) return ExplainChainGap(summary.error(), settings.disks[i], logs);
  HVR_ASSIGN_OR_RETURN(Manifest manifest, LoadManifest(i, false));
  const KnownZeros zeros(manifest);  // before the writes make chunks unknown
  // Unknown before the writes, so a crash between costs a resend, never a wrong diff.
  HVR_RETURN_IF_ERROR(InvalidateChanged(manifest, map));
  HVR_RETURN_IF_ERROR(SaveManifest(i, manifest));
  HVR_ASSIGN_OR_RETURN(auto replica, OpenReplicaReader(*store, d.replica));
  const ReadFn base = [&replica](uint64_t offset, std::span<uint8_t> out) { return replica->Read(offset, out); };
  HVR_ASSIGN_OR_RETURN(const ApplyStats applied,
                       ApplyToReplica(map, base, zeros, *store, d.replica, manifest, ApplyOptionsFor(cancel)));
  HVR_RETURN_IF_ERROR(SaveManifest(i, manifest));
  report.logs += logs.paths.size();
  report.logged_bytes += summary->logged_bytes;
  report.changed_bytes += applied.changed_bytes;
  report.bytes_sent += applied.bytes_sent;
  report.page_writes += applied.page_writes;
  run.sent[i] = applied.bytes_sent;
  for (const HrlHeader& h : logs.headers) {
    run.source_time = std::max(run.source_time, FromHrlTime(h.last_modified_timestamp));
  }
  run.log_ids.push_back(logs.headers.back().unique_id.ToString());
  return Ok();
}

Result<VmRecoveryPoint> Session::Impl::RecordCyclePoint(const CycleRun& run, const CycleReport& report) {
  const bool app_consistent = run.quiesce && run.rotated.quiesced;
  const uint64_t sequence = Snapshot().next_point;
  HVR_ASSIGN_OR_RETURN(const VmRecoveryPoint point, TakePoint(sequence, run.source_time, app_consistent, run.log_ids));
  const auto latency = std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - run.started);
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
    s.Count([&](ReplicationStatistics& r) {
      ++r.successful_cycles;
      ++r.cycles_with_point;
      r.bytes_sent += report.bytes_sent;
      r.cycle_bytes_total += report.bytes_sent;
      r.cycle_bytes_max = std::max(r.cycle_bytes_max, report.bytes_sent);
      r.latency_total += latency;
      r.latency_max = std::max(r.latency_max, latency);
      r.last_cycle_duration = latency;
    });
    s.points.push_back(point);
    s.next_point = sequence + 1;
    s.last_cycle = run.attempt;
    if (app_consistent) s.last_app_consistent = run.attempt;
    ++s.cycles;
    RecordShipped(s, run.pending, run.identities, run.sent);
  }));
  return point;
}

}  // namespace hvr
