// Where a protected VM stands, from protection through failover and failback
// (docs/session.md "States"). The numbers are stable: the C ABI passes them as they are.
#pragma once

namespace hvr {

enum class ReplicationState : int {
  kEnabled = 0,             // protection enabled; initial replication not started
  kInitialReplication = 1,  // copying (resumable)
  kReplicating = 2,         // protected: delta cycles ship the logs
  kResyncRequired = 3,      // tracking broke; waiting for the resync window or an operator
  kResynchronizing = 4,     // resync running (resumable)
  kFailedOver = 5,          // the VM runs from the replica; replication stopped
  kFailoverCommitted = 6,   // failover committed: the recovery points are gone
  kFailedBack = 7,          // back on premises; replication resumes with reverse replication
  kFailingOver = 8,         // a failover runs (never cancelled; a crash resumes it)
};

const char* ReplicationStateName(ReplicationState state);  // "replicating", ...

}  // namespace hvr
