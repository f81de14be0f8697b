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

Result<CycleReport> Session::Impl::Cycle(RunningJob& job, const CancelToken* cancel) {
  const auto started = std::chrono::steady_clock::now();
  const TimePoint attempt = clock.Now();
  CycleReport report;
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
    if (s.last_cycle_attempt && attempt - *s.last_cycle_attempt >= 2 * interval) {
      const auto missed = static_cast<uint64_t>((attempt - *s.last_cycle_attempt) / interval) - 1;
      s.Count([&](ReplicationStatistics& r) { r.missed_cycles += missed; });
    }
    s.last_cycle_attempt = attempt;
  }));
  std::vector<std::string> replicas;
  for (const DiskState& d : Snapshot().disks) replicas.push_back(d.replica);
  HVR_RETURN_IF_ERROR(leases->Hold(replicas));
  HVR_RETURN_IF_ERROR(FinishLeftovers(job));

  // An app-consistent point is due once the frequency has passed since the last one.
  const auto frequency = settings.app_consistent_frequency;
  const auto last_app = Snapshot().last_app_consistent;
  const bool quiesce = frequency.count() > 0 && (!last_app || attempt - *last_app >= frequency);

  job.Step("rotate logs");
  HVR_ASSIGN_OR_RETURN(const RotateResult rotated, host.RotateLogs(Vm(), quiesce));
  // Measured after the rotation, so that the sizes cover every write the closed logs
  // hold. A source that shrank stops the cycle here, before anything is written.
  std::vector<uint64_t> source_sizes;
  HVR_ASSIGN_OR_RETURN(const std::vector<uint64_t> replica_sizes, CheckSourceSizes(source_sizes));

  job.Step("verify logs");
  const size_t disks = settings.disks.size();
  std::vector<PendingLogs> pending;
  bool any = false;
  for (size_t i = 0; i < disks; ++i) {
    const DiskState d = Snapshot().disks[i];
    HVR_ASSIGN_OR_RETURN(PendingLogs logs, FindPendingLogs(settings.disks[i], d));
    // Leftovers of a cycle that made its point and then crashed.
    HVR_RETURN_IF_ERROR(DeleteLogs(logs.applied));
    HVR_RETURN_IF_ERROR(DeleteLogs(logs.obsolete));
    any = any || !logs.paths.empty();
    pending.push_back(std::move(logs));
  }
  report.elapsed = std::chrono::steady_clock::now() - started;
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
    for (size_t i = 0; i < disks; ++i) s.disks[i].pending_log_bytes = pending[i].bytes;
    s.Count([&](ReplicationStatistics& r) {
      if (quiesce && !rotated.quiesced) ++r.app_consistent_failures;
      if (any) return;
      ++r.successful_cycles;
      r.last_cycle_duration = std::chrono::duration_cast<Duration>(report.elapsed);
    });
  }));
  if (!any) {
    job.Summary("no new logs");
    return report;
  }
  std::vector<Guid> identities(disks);
  for (size_t i = 0; i < disks; ++i) {
    const DiskState d = Snapshot().disks[i];
    HVR_RETURN_IF_ERROR(CheckPendingLogs(pending[i], d, identities[i]));
    HVR_RETURN_IF_ERROR(CheckLogVolume(pending[i], d.replica_size));
  }
  // Logs apply only on the base hvr wrote (replica_guard.cc).
  HVR_RETURN_IF_ERROR(BeginReplicaWrites());
  // A source that grew: its replica grows first, so that the logs' writes in the new
  // part fit (disk_growth.cc).
  for (size_t i = 0; i < disks; ++i) {
    HVR_RETURN_IF_ERROR(FollowSourceSize(job, i, source_sizes[i], replica_sizes[i], nullptr));
  }

  TimePoint source_time{};
  std::vector<std::string> log_ids;
  std::vector<uint64_t> sent(disks, 0);
  for (size_t i = 0; i < disks; ++i) {
    const DiskState d = Snapshot().disks[i];
    const PendingLogs& logs = pending[i];
    if (logs.paths.empty()) {
      log_ids.push_back(d.last_applied_log ? d.last_applied_log->ToString() : std::string());
      continue;
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
    sent[i] = applied.bytes_sent;
    for (const HrlHeader& h : logs.headers) source_time = std::max(source_time, FromHrlTime(h.last_modified_timestamp));
    log_ids.push_back(logs.headers.back().unique_id.ToString());
  }

  job.Step("take recovery point");
  const bool app_consistent = quiesce && rotated.quiesced;
  const uint64_t sequence = Snapshot().next_point;
  HVR_ASSIGN_OR_RETURN(const VmRecoveryPoint point, TakePoint(sequence, source_time, app_consistent, log_ids));
  const auto latency = std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started);
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
    s.last_cycle = attempt;
    if (app_consistent) s.last_app_consistent = attempt;
    ++s.cycles;
    RecordShipped(s, pending, identities, sent);
  }));

  // Only now may the shipped logs go: their content is in a recovery point.
  job.Step("prune and clean up");
  HVR_RETURN_IF_ERROR(Prune());
  for (const PendingLogs& logs : pending) HVR_RETURN_IF_ERROR(DeleteLogs(logs.paths));
  HVR_RETURN_IF_ERROR(Mirror());

  report.shipped = true;
  report.point = point;
  report.elapsed = std::chrono::steady_clock::now() - started;
  char summary[160];
  std::snprintf(summary, sizeof summary, "recovery point %s%s: %zu logs, %.1f MiB written in %zu page writes",
                point.id.c_str(), app_consistent ? " (app-consistent)" : "", report.logs,
                static_cast<double>(report.bytes_sent) / (1 << 20), static_cast<size_t>(report.page_writes));
  job.Summary(summary);
  return report;
}

}  // namespace hvr
