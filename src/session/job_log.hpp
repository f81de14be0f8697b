// The jobs of one session: the running one and the recent ones, persisted in the state
// directory at every step and reported to the session's observer. Their texts (steps,
// notes, summaries, errors) pass through RedactSecrets: jobs are shown and kept where
// secrets must not be, whatever a message was built from. Thread-safe: jobs() may be
// read while an operation's job advances.
//
// While a job runs, a thread of its own publishes it with its rate and time left to the
// state directory's live.json every half second (docs/monitoring.md): other processes see
// its progress without the VM's lock, and the copy's threads never wait for the disk.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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
  // Progress of the current step; observers hear of it at most every half second, other
  // processes through live.json as often.
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

  // How often a running job is published to live.json.
  static constexpr auto kPublishEvery = std::chrono::milliseconds(500);

  // `dir` may be null (nothing persisted) and must outlive the log.
  JobLog(StateDir* dir, std::vector<Job> jobs, Observer observer, const Clock& clock);
  ~JobLog();  // stops publishing

  // Jobs a previous process left running become interrupted.
  void MarkInterrupted();

  RunningJob Start(JobType type, const std::string& vm_name, std::string id);
  std::vector<Job> jobs() const;
  // The running job's progress; empty when no job runs.
  std::optional<JobProgress> progress() const;

 private:
  friend class RunningJob;
  // Applies `change` to job `index` under the lock, then persists and notifies when
  // `persist` (or, for progress, when half a second has passed).
  void Update(size_t index, bool persist, const std::function<void(Job&)>& change);
  // Job `index` with its rate and time left, under mu_.
  JobProgress ProgressOf(size_t index) const;
  // live.json: publishing starts with a job and stops with it, leaving it ended.
  void StartPublishing(size_t index);
  void StopPublishing(size_t index);
  void PublishLoop(size_t index);
  void PublishNow(size_t index);

  StateDir* dir_;
  Observer observer_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::vector<Job> jobs_;
  std::chrono::steady_clock::time_point last_notice_{};
  // The rate of the current step: measured from its first progress report.
  std::optional<std::chrono::steady_clock::time_point> rate_since_;
  uint64_t rate_from_ = 0;
  std::optional<size_t> running_;  // the job in progress

  std::thread publisher_;
  std::condition_variable stop_publishing_;
  bool publishing_ = false;
};

}  // namespace hvr
