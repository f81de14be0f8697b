// Jobs: every operation on a protected VM is a job with an id, a type, steps, progress,
// start and end times and a result, like the jobs of Site Recovery.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"

namespace hvr {

enum class JobType : int {
  kEnableProtection = 0,
  kInitialReplication = 1,
  kDeltaReplication = 2,
  kResynchronization = 3,
  kFailover = 4,
  kPlannedFailover = 5,
  kTestFailover = 6,
  kTestFailoverCleanup = 7,
  kCommitFailover = 8,
  kFailbackSync = 9,
  kFailbackComplete = 10,
  kCommitFailback = 11,
  kReverseReplication = 12,
  kRecoveryPlan = 13,
  kChangeSettings = 14,
  kSuspend = 15,
  kResume = 16,
  kRemoveProtection = 17,
  kRemoveDisk = 18,
  kAddDisk = 19,
};
// The newest job type: the C API's names and checks reach this far (a new type moves it).
inline constexpr JobType kLastJobType = JobType::kAddDisk;

enum class JobState : int {
  kRunning = 0,
  kSucceeded = 1,
  kFailed = 2,
  kCancelled = 3,
  kInterrupted = 4,  // the process ended while it ran; the next run picks the work up
};

const char* JobTypeName(JobType type);    // "initial_replication", ...
const char* JobStateName(JobState state); // "running", "succeeded", ...

struct JobStep {
  std::string name;
  JobState state = JobState::kRunning;
  TimePoint started;
  std::optional<TimePoint> ended;
  std::string message;  // what the step did, or why it failed
  // Progress of the step: where it stands, or where it stood when it ended.
  uint64_t progress_done = 0;
  uint64_t progress_total = 0;
};

struct Job {
  std::string id;  // "job-<vm id prefix>-<sequence>", unique per VM and sortable
  JobType type = JobType::kDeltaReplication;
  std::string vm_name;
  JobState state = JobState::kRunning;
  TimePoint started;
  std::optional<TimePoint> ended;
  std::vector<JobStep> steps;
  // Progress of the running step, in bytes unless the step says otherwise.
  uint64_t progress_done = 0;
  uint64_t progress_total = 0;
  std::optional<Error> error;  // of a failed job
  std::string summary;         // one line: what was sent, which point was made...
};

// What the running job of a VM does now, as the process running it last published it
// (at most a second old while that process lives; docs/monitoring.md). Readable by any
// process without the VM's lock.
struct JobProgress {
  std::string job_id;
  JobType type = JobType::kDeltaReplication;
  std::string step;          // the current step's name
  uint64_t done = 0;         // of the current step, in bytes
  uint64_t total = 0;
  uint64_t bytes_per_second = 0;           // over the current step so far
  std::optional<Duration> time_left;       // at that rate; empty until a rate is known
  TimePoint updated;                       // when it was published
};

}  // namespace hvr
