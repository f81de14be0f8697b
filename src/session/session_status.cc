#include "session/session_status.hpp"

#include <algorithm>
#include <chrono>

#include "hvr/health.hpp"
#include "store/time_text.hpp"

namespace hvr {
namespace {

// When the retry policy allows the next attempt; nullopt while not failing.
std::optional<TimePoint> RetryAt(const SessionState& s, Duration interval) {
  if (!s.failure) return std::nullopt;
  const RetryDecision decision = RetryPolicy().Next(*s.failure, interval);
  if (decision.action != RetryAction::kRetry) return std::nullopt;
  return decision.at;
}

std::string WholeSeconds(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

// Why health is not Normal, and what happens next or what the operator should do.
std::string HealthReason(const SessionStatus& status, const SessionState& s, const HealthInputs& health) {
  switch (status.health) {
    case Health::kNormal:
      return {};
    case Health::kCritical:
      return status.last_error->ToString() +
             "; replication stops until an administrator deals with the cause and resumes it (clear the error)";
    case Health::kWarning:
      break;
  }
  if (s.suspended_since) {
    return "replication suspended by an operator since " + FormatUtcSeconds(*s.suspended_since) +
           "; the host's logs accumulate until it is resumed";
  }
  if (s.failure) {
    return s.failure->last_error.ToString() + "; failing since " + FormatUtcSeconds(s.failure->first_failure) + ", " +
           std::to_string(s.failure->retries) + " retries, next attempt " +
           (status.next_attempt ? FormatUtcSeconds(*status.next_attempt) : std::string("when asked"));
  }
  if (s.state == ReplicationState::kResyncRequired || s.state == ReplicationState::kResynchronizing) {
    const std::string when = status.next_attempt ? FormatUtcSeconds(*status.next_attempt) : std::string("when asked");
    return "resync required: " + s.resync_reason + "; it runs " + when;
  }
  return "RPO " + WholeSeconds(health.rpo) + " exceeds the threshold of " + WholeSeconds(health.rpo_threshold) +
         " by " + WholeSeconds(health.rpo - health.rpo_threshold) + "; the newest recovery point holds " +
         FormatUtcSeconds(*status.last_replicated);
}

}  // namespace

std::optional<TimePoint> NextDueOf(const SessionState& s, const ProtectionSettings& settings, TimePoint now) {
  const Duration interval = IntervalDuration(settings.interval);
  // An operator must act first: a critical error, a suspension, a removal half done.
  if (s.critical || s.suspended_since || s.removing) return std::nullopt;
  std::optional<TimePoint> due;
  switch (s.state) {
    case ReplicationState::kEnabled:
    case ReplicationState::kInitialReplication:
    case ReplicationState::kResynchronizing:
    case ReplicationState::kFailingOver:  // an interrupted failover finishes first
      due = now;
      break;
    case ReplicationState::kResyncRequired:
      if (s.resync_by_hand) {
        due = now;
      } else if (settings.resync.automatic) {
        due = settings.resync.office_hours.NextOutside(now);
      }
      break;
    case ReplicationState::kReplicating:
      due = s.last_cycle ? *s.last_cycle + interval : now;
      break;
    default:
      return std::nullopt;  // failed over: nothing replicates by itself
  }
  if (auto retry = RetryAt(s, interval)) due = due ? std::max(*due, *retry) : *retry;
  if (due && *due < now) due = now;
  return due;
}

SessionStatus StatusOf(const SessionState& s, const ProtectionSettings& settings, TimePoint now) {
  SessionStatus out;
  out.vm_name = settings.vm_name;
  out.vm_id = s.vm_id;
  out.suspended_since = s.suspended_since;
  out.interval = settings.interval;
  out.recovery_history = settings.recovery_history;
  out.app_consistent_frequency = settings.app_consistent_frequency;
  out.state = s.state;
  out.recovery_point_count = s.points.size();
  out.cycles = s.cycles;
  out.resync_reason = s.resync_reason;
  out.test_failover = s.test_failover.has_value();
  if (!s.points.empty()) {
    out.latest_point = s.points.back();
    out.last_replicated = s.points.back().source_time;
    out.rpo = now - s.points.back().source_time;
  }
  uint64_t done = 0, total = 0;
  for (const DiskState& d : s.disks) {
    DiskStatus ds;
    ds.source = d.source;
    ds.replica = d.replica;
    ds.virtual_size = d.replica_size;
    ds.sync_done = d.sync_done;
    ds.sync_total = d.sync_total;
    ds.bytes_sent = d.bytes_sent;
    ds.pending_log_bytes = d.pending_log_bytes;
    done += std::min(d.sync_done, d.sync_total);
    total += d.sync_total;
    out.bytes_sent += d.bytes_sent;
    out.pending_bytes += d.pending_log_bytes;
    out.disks.push_back(std::move(ds));
  }
  const bool syncing = s.state == ReplicationState::kEnabled || s.state == ReplicationState::kInitialReplication ||
                       s.state == ReplicationState::kResynchronizing;
  out.sync_percent = !syncing ? 100.0 : total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0.0;
  HealthInputs health;
  if (s.critical) {
    health.unresolved_error = s.critical;
  } else if (s.failure) {
    health.unresolved_error = s.failure->last_error;
    out.failing_since = s.failure->first_failure;
    out.retries = s.failure->retries;
  } else if (s.state == ReplicationState::kResyncRequired || s.state == ReplicationState::kResynchronizing) {
    health.unresolved_error = Error(Code::kResyncRequired, s.resync_reason);
  }
  out.last_error = health.unresolved_error;
  health.suspended = s.suspended_since.has_value();
  if (s.state == ReplicationState::kReplicating && out.rpo) {
    health.rpo = *out.rpo;
    health.rpo_threshold = settings.rpo_threshold.value_or(3 * IntervalDuration(settings.interval));
  }
  out.health = EvaluateHealth(health);
  out.next_attempt = NextDueOf(s, settings, now);
  out.health_reason = HealthReason(out, s, health);
  out.statistics = s.statistics;
  out.lifetime_statistics = s.lifetime_statistics;
  return out;
}

}  // namespace hvr
