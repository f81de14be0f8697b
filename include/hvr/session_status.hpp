// What a session shows of its VM (Session::status): the state, health and why, the
// recovery points, each disk's progress, the statistics (docs/monitoring.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"
#include "hvr/health.hpp"
#include "hvr/job.hpp"
#include "hvr/protection.hpp"
#include "hvr/replication_state.hpp"
#include "hvr/replication_statistics.hpp"
#include "hvr/store.hpp"
#include "hvr/vm_recovery_point.hpp"

namespace hvr {

struct DiskStatus {
  std::string source;
  std::string replica;
  uint64_t virtual_size = 0;   // of the replica (whole MiB)
  uint64_t sync_done = 0;      // initial replication or resync: bytes examined
  uint64_t sync_total = 0;
  uint64_t bytes_sent = 0;     // since protection was enabled
  uint64_t pending_log_bytes = 0;  // closed logs not yet shipped, at the last look
};

struct SessionStatus {
  std::string vm_name;
  Guid vm_id;
  std::string target;  // the store's description, without secrets
  ReplicationState state = ReplicationState::kEnabled;
  Health health = Health::kNormal;
  // Initial replication or resync: percent of the disks examined (0-100).
  double sync_percent = 0;
  std::optional<TimePoint> last_replicated;  // source_time of the newest point
  std::optional<Duration> rpo;               // now - last_replicated
  size_t recovery_point_count = 0;
  std::optional<VmRecoveryPoint> latest_point;
  // Why health is not Normal: the error of the current failure run or the one that
  // stopped replication, and since when it fails.
  std::optional<Error> last_error;
  // Why health is Warning or Critical, in words: the error with its retries and next
  // attempt, the resync and when it runs, or by how much the RPO exceeds its threshold;
  // empty while Normal.
  std::string health_reason;
  std::optional<TimePoint> failing_since;
  std::optional<TimePoint> next_attempt;
  int retries = 0;  // failed attempts after the first of the current failure run
  std::string resync_reason;  // set while a resync is required or running
  bool test_failover = false;  // a test failover exists, until it is cleaned up
  // An operator suspended replication (Suspend): nothing is sent until Resume; health
  // is Warning meanwhile.
  std::optional<TimePoint> suspended_since;
  // The settings an operator changes (Session::ChangeSettings), as they stand now.
  ReplicationInterval interval = ReplicationInterval::k5Minutes;
  std::chrono::hours recovery_history{0};
  std::chrono::hours app_consistent_frequency{0};
  uint64_t cycles = 0;        // delta cycles completed
  uint64_t bytes_sent = 0;
  std::vector<DiskStatus> disks;
  // What this process's store for the target did since it was opened (shared by the
  // sessions of one engine that name the same target): requests, retries, busy answers,
  // and the requests it lets in flight now.
  StoreStatistics store;
  // The job running now (in this process or the one holding the state directory), where
  // it stands; empty when none runs.
  std::optional<JobProgress> progress;
  // Logged and not yet sent: the disks' pending_log_bytes, at the last look.
  uint64_t pending_bytes = 0;
  ReplicationStatistics statistics;           // since the last reset
  ReplicationStatistics lifetime_statistics;  // since protection
};

}  // namespace hvr
