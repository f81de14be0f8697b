// Events: every change of a protected VM's state that an operator or a monitoring system
// wants to hear of, as it happens (docs/monitoring.md lists them). Each kind has a stable
// number: monitoring rules and the C ABI keep it, so numbers are never reused or changed.
#pragma once

#include <optional>
#include <string>

#include "hvr/clock.hpp"
#include "hvr/health.hpp"
#include "hvr/job.hpp"
#include "hvr/replication_state.hpp"

namespace hvr {

enum class EventId : int {
  kProtectionEnabled = 1,    // the replica disks exist; initial replication can start
  kStateChanged = 2,         // state; previous_state
  kHealthChanged = 3,        // health, reason (health_reason); previous_health
  kResyncRequired = 4,       // reason: why tracking can no longer be trusted; next_attempt
  kRecoveryPointTaken = 5,   // point_id, app_consistent
  kRetryScheduled = 6,       // reason (the error), retries, next_attempt
  kFailoverStepEnded = 7,    // job_id, job_type, step, reason (what it did or why it failed)
};

const char* EventName(EventId id);  // "health_changed", ...

struct Event {
  Event() = default;
  explicit Event(EventId event_id) : id(event_id) {}

  EventId id = EventId::kStateChanged;
  std::string vm_name;
  TimePoint time;
  // What happened, in one line for people (no secrets).
  std::string message;

  // The fields its id names; the others keep their defaults.
  Health health = Health::kNormal;
  Health previous_health = Health::kNormal;
  ReplicationState state{};
  ReplicationState previous_state{};
  std::string reason;
  std::string point_id;
  bool app_consistent = false;
  int retries = 0;                        // failed attempts after the first
  std::optional<TimePoint> next_attempt;  // empty: when an operator asks
  std::string job_id;
  JobType job_type = JobType::kFailover;
  std::string step;
};

}  // namespace hvr
