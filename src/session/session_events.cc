// Events (hvr/event.hpp): what changed, found by comparing the journal before and after
// each commit, so that every way a state changes is heard of without each operation
// having to remember to say so; health, which time changes too, is also looked at by
// RunDue; failover steps come from the jobs.
#include <string>

#include "session/session_impl.hpp"
#include "store/redact.hpp"
#include "store/time_text.hpp"

namespace hvr {
namespace {

bool IsFailoverJob(JobType type) {
  switch (type) {
    case JobType::kFailover:
    case JobType::kPlannedFailover:
    case JobType::kTestFailover:
    case JobType::kTestFailoverCleanup:
    case JobType::kCommitFailover:
    case JobType::kFailbackSync:
    case JobType::kFailbackComplete:
    case JobType::kCommitFailback:
    case JobType::kReverseReplication:
      return true;
    default:
      return false;
  }
}

std::string When(const std::optional<TimePoint>& t) { return t ? FormatUtcSeconds(*t) : std::string("when asked"); }

}  // namespace

const char* EventName(EventId id) {
  switch (id) {
    case EventId::kProtectionEnabled: return "protection_enabled";
    case EventId::kStateChanged: return "state_changed";
    case EventId::kHealthChanged: return "health_changed";
    case EventId::kResyncRequired: return "resync_required";
    case EventId::kRecoveryPointTaken: return "recovery_point_taken";
    case EventId::kRetryScheduled: return "retry_scheduled";
    case EventId::kFailoverStepEnded: return "failover_step_ended";
  }
  return "unknown";
}

void Session::Impl::Emit(Event event) {
  event.vm_name = settings.vm_name;
  event.time = clock.Now();
  event.message = RedactSecrets(event.message);
  event.reason = RedactSecrets(event.reason);
  options.on_event(event);
}

// In the order a reader follows: the point a commit records before the state it leads to
// (the first point ends initial replication), the state before what it requires, health
// last as it follows from all of them.
void Session::Impl::Announce(const SessionState& before, const SessionState& after) {
  if (!options.on_event || dir.read_only()) return;
  if (!before.protection_complete && after.protection_complete) {
    Event e(EventId::kProtectionEnabled);
    e.state = e.previous_state = after.state;
    e.message = "protection enabled: " + std::to_string(after.disks.size()) + " replica disks";
    Emit(std::move(e));
  }
  const uint64_t newest_before = before.points.empty() ? 0 : before.points.back().sequence;
  for (const VmRecoveryPoint& p : after.points) {
    if (p.sequence <= newest_before) continue;
    Event e(EventId::kRecoveryPointTaken);
    e.point_id = p.id;
    e.app_consistent = p.app_consistent;
    e.message = std::string("recovery point ") + p.id + (p.app_consistent ? " (application-consistent)" : "") +
                " holds " + FormatUtcSeconds(p.source_time);
    Emit(std::move(e));
  }
  if (before.state != after.state) {
    Event e(EventId::kStateChanged);
    e.previous_state = before.state;
    e.state = after.state;
    e.message = std::string("replication state ") + ReplicationStateName(before.state) + " -> " +
                ReplicationStateName(after.state);
    Emit(std::move(e));
  }
  const bool newly_required = after.state == ReplicationState::kResyncRequired &&
                              (before.state != ReplicationState::kResyncRequired ||
                               before.resync_reason != after.resync_reason);
  const bool reason_changed = after.state == ReplicationState::kResynchronizing && !after.resync_reason.empty() &&
                              before.resync_reason != after.resync_reason;
  if (newly_required || reason_changed) {
    Event e(EventId::kResyncRequired);
    e.state = after.state;
    e.reason = after.resync_reason;
    e.next_attempt = NextDue();
    e.message = "resync required: " + after.resync_reason + "; it runs " + When(e.next_attempt);
    Emit(std::move(e));
  }
  const bool attempt_failed = after.failure && (!before.failure || before.failure->retries != after.failure->retries ||
                                                before.failure->last_attempt != after.failure->last_attempt);
  if (attempt_failed) {
    Event e(EventId::kRetryScheduled);
    e.reason = after.failure->last_error.ToString();
    e.retries = after.failure->retries;
    e.next_attempt = NextDue();
    e.message = "retry " + std::to_string(after.failure->retries + 1) + " at " + When(e.next_attempt) + " after " +
                e.reason;
    Emit(std::move(e));
  }
  AnnounceHealth();
}

void Session::Impl::AnnounceHealth() {
  if (!options.on_event || dir.read_only()) return;
  const SessionStatus now = CurrentStatus();
  Health previous;
  {
    std::lock_guard lock(event_mu);
    if (!announced_health || *announced_health == now.health) {
      announced_health = now.health;
      return;
    }
    previous = *announced_health;
    announced_health = now.health;
  }
  Event e(EventId::kHealthChanged);
  e.previous_health = previous;
  e.health = now.health;
  e.reason = now.health_reason;
  e.message = std::string("health ") + HealthName(previous) + " -> " + HealthName(now.health) +
              (now.health_reason.empty() ? "" : ": " + now.health_reason);
  Emit(std::move(e));
}

void Session::Impl::OnJob(const Job& job) {
  if (options.on_job) options.on_job(job);
  if (!options.on_event || !IsFailoverJob(job.type)) return;
  // Steps end one after another; the last ends with the job.
  size_t ended = 0;
  while (ended < job.steps.size() && job.steps[ended].ended) ++ended;
  std::vector<JobStep> newly;
  {
    std::lock_guard lock(event_mu);
    if (announced_job != job.id) {
      announced_job = job.id;
      announced_steps = 0;
    }
    for (size_t i = announced_steps; i < ended; ++i) newly.push_back(job.steps[i]);
    announced_steps = ended;
  }
  for (const JobStep& step : newly) {
    Event e(EventId::kFailoverStepEnded);
    e.job_id = job.id;
    e.job_type = job.type;
    e.step = step.name;
    e.reason = step.message;
    e.message = std::string(JobTypeName(job.type)) + ": " + step.name + " " + JobStateName(step.state) +
                (step.message.empty() ? "" : " (" + step.message + ")");
    Emit(std::move(e));
  }
}

}  // namespace hvr
