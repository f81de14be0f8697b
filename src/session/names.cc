// The stable names of the session's enums, as JSON, the CLI and the C ABI show them.
#include "hvr/job.hpp"
#include "hvr/replication_state.hpp"

namespace hvr {

const char* JobTypeName(JobType type) {
  switch (type) {
    case JobType::kEnableProtection: return "enable_protection";
    case JobType::kInitialReplication: return "initial_replication";
    case JobType::kDeltaReplication: return "delta_replication";
    case JobType::kResynchronization: return "resynchronization";
    case JobType::kFailover: return "failover";
    case JobType::kPlannedFailover: return "planned_failover";
    case JobType::kTestFailover: return "test_failover";
    case JobType::kTestFailoverCleanup: return "test_failover_cleanup";
    case JobType::kCommitFailover: return "commit_failover";
    case JobType::kFailbackSync: return "failback_sync";
    case JobType::kFailbackComplete: return "failback_complete";
    case JobType::kCommitFailback: return "commit_failback";
    case JobType::kReverseReplication: return "reverse_replication";
    case JobType::kRecoveryPlan: return "recovery_plan";
    case JobType::kChangeSettings: return "change_settings";
    case JobType::kSuspend: return "suspend";
    case JobType::kResume: return "resume";
    case JobType::kRemoveProtection: return "remove_protection";
    case JobType::kRemoveDisk: return "remove_disk";
    case JobType::kAddDisk: return "add_disk";
  }
  return "unknown";
}

const char* JobStateName(JobState state) {
  switch (state) {
    case JobState::kRunning: return "running";
    case JobState::kSucceeded: return "succeeded";
    case JobState::kFailed: return "failed";
    case JobState::kCancelled: return "cancelled";
    case JobState::kInterrupted: return "interrupted";
  }
  return "unknown";
}

const char* ReplicationStateName(ReplicationState state) {
  switch (state) {
    case ReplicationState::kEnabled: return "enabled";
    case ReplicationState::kInitialReplication: return "initial_replication";
    case ReplicationState::kReplicating: return "replicating";
    case ReplicationState::kResyncRequired: return "resync_required";
    case ReplicationState::kResynchronizing: return "resynchronizing";
    case ReplicationState::kFailedOver: return "failed_over";
    case ReplicationState::kFailoverCommitted: return "failover_committed";
    case ReplicationState::kFailedBack: return "failed_back";
    case ReplicationState::kFailingOver: return "failing_over";
  }
  return "unknown";
}

}  // namespace hvr
