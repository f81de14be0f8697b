// The jobs of one session: the running one and the recent ones, persisted in the state
// directory at every step and reported to the session's observer. Their texts (steps,
// notes, summaries, errors) pass through RedactSecrets: jobs are shown and kept where
// secrets must not be, whatever a message was built from. Thread-safe: jobs() may be
// read while an operation's job advances.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/job.hpp"
#include "session/state_dir.hpp"

namespace hvr {

class JobLog;

// The job of the operation in progress. Steps run one after another; Finish ends the
// job (a handle destroyed without Finish ends it as interrupted).
class RunningJob {
 public:
  RunningJob(RunningJob&& other) noexcept : log_(other.log_), index_(other.index_) { other.log_ = nullptr; }
  RunningJob& operator=(RunningJob&&) = delete;
  ~RunningJob();

  // Ends the current step (succeeded) and starts `name`.
  void Step(const std::string& name);
  // What the current step did ("sent 12 MiB").
  void Note(const std::string& message);
  // Progress of the current step; observers hear of it at most every half second.
  void Progress(uint64_t done, uint64_t total);
  void Summary(const std::string& summary);
  // Ends the job with `result` (succeeded, cancelled or failed) and returns it.
  Status Finish(Status result);

  std::string id() const;

 private:
  friend class JobLog;
  RunningJob(JobLog* log, size_t index) : log_(log), index_(index) {}
  JobLog* log_;
  size_t index_;
};

class JobLog {
 public:
  using Observer = std::function<void(const Job& job)>;

  // `dir` may be null (nothing persisted) and must outlive the log.
  JobLog(StateDir* dir, std::vector<Job> jobs, Observer observer, const Clock& clock);

  // Jobs a previous process left running become interrupted.
  void MarkInterrupted();

  RunningJob Start(JobType type, const std::string& vm_name, std::string id);
  std::vector<Job> jobs() const;

 private:
  friend class RunningJob;
  // Applies `change` to job `index` under the lock, then persists and notifies when
  // `persist` (or, for progress, when half a second has passed).
  void Update(size_t index, bool persist, const std::function<void(Job&)>& change);

  StateDir* dir_;
  Observer observer_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::vector<Job> jobs_;
  std::chrono::steady_clock::time_point last_notice_{};
};

}  // namespace hvr
