// A session's state directory: the relationship's settings, its state journal, recent
// jobs, the replica manifests, and requests other processes leave. Every file is
// checksummed JSON replaced atomically (util/checksummed_json.hpp), so a crash leaves the
// old or the new version and damage is reported, never believed. The directory and its
// JSON files are readable by their owner only, because the settings hold the target's
// secret; opening a directory for writing makes files an older version left readable
// by others owner-only.
//
//   settings.json         ProtectionSettings (written at protection)
//   state.json            SessionState (after every step that changes it)
//   jobs.json             the most recent jobs
//   live.json             the running job (or the last one, ended) with its progress,
//                         published every half second while it runs
//   manifests/NAME.hvrm   the chunk manifest of replica disk NAME
//   requests/resync.json  a resync asked for by another process
//   requests/reset-statistics.json  a reset of the statistics asked for likewise
//   requests/failover.json          a failover asked for likewise...
//   requests/failover-answer.json   ...and how it ended, for the process that asked
//   lock                  a file lock held by the one process that runs the session
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hvr/error.hpp"
#include "hvr/job.hpp"
#include "hvr/operation_options.hpp"
#include "hvr/protection.hpp"
#include "session/session_state.hpp"
#include "platform/file_lock.hpp"

namespace hvr {

// The running job as its process last published it.
struct LiveJob {
  Job job;
  JobProgress progress;
};

// A resync another process asked for.
struct ResyncRequest {
  std::string reason;
  bool verify_replica = false;  // ResyncOptions::verify_replica
};

// A failover another process asked for, and waits for.
struct FailoverRequest {
  std::string id;  // names the answer
  FailoverOptions options;
};

class StateDir {
 public:
  // Jobs kept in jobs.json; older ones are dropped.
  static constexpr size_t kJobsKept = 200;

  // Opens `path` (creating it when `create`), taking its lock unless `read_only`;
  // kConflict when another process holds it.
  static Result<StateDir> Open(const std::string& path, bool create, bool read_only);

  const std::string& path() const { return path_; }
  bool read_only() const { return !lock_.has_value(); }
  // True when the directory holds a relationship (settings.json exists).
  bool HasRelationship() const;

  Result<ProtectionSettings> LoadSettings() const;
  Status SaveSettings(const ProtectionSettings& settings);
  // kNotFound before the first SaveState.
  Result<SessionState> LoadState() const;
  Status SaveState(const SessionState& state);
  // Empty when there is no jobs file yet.
  Result<std::vector<Job>> LoadJobs() const;
  Status SaveJobs(const std::vector<Job>& jobs);
  // Empty when no job was ever published.
  Result<std::optional<LiveJob>> LoadLiveJob() const;
  Status SaveLiveJob(const Job& job, const JobProgress& progress);

  std::string ManifestPath(const std::string& replica) const;

  // Removing protection: deletes everything the directory holds (what others put there
  // too: it is the relationship's), settings.json last, then lets the lock go and
  // deletes the lock file and the directory. A crash on the way leaves the directory
  // with a relationship, or Emptied().
  Status Remove();
  // True for a directory without a relationship that holds nothing but what opening it
  // makes (the lock, empty manifests/ and requests/): one a Remove a crash cut short left.
  bool Emptied() const;

  // Another process (or this one) asks for a resync; TakeResyncRequest returns the
  // request once and removes it.
  Status LeaveResyncRequest(const std::string& reason, bool verify_replica);
  Result<std::optional<ResyncRequest>> TakeResyncRequest();
  // Another process asks for the statistics to be reset; TakeStatisticsReset says once
  // whether one was asked for.
  Status LeaveStatisticsReset();
  Result<bool> TakeStatisticsReset();
  // Another process asks for a failover; the process holding the lock takes it once,
  // runs it and answers with how it ended (an error, or Ok), which FailoverAnswer reads
  // (empty until then). A request nobody took may be withdrawn.
  Status LeaveFailoverRequest(const FailoverRequest& request);
  Result<std::optional<FailoverRequest>> TakeFailoverRequest();
  Status WithdrawFailoverRequest();
  Status AnswerFailoverRequest(const std::string& id, const Status& outcome);
  Result<std::optional<Status>> FailoverAnswer(const std::string& id) const;
  // Whether a process holds the lock (runs the session) now.
  Result<bool> InUse() const;

 private:
  StateDir(std::string path, std::optional<FileLock> lock) : path_(std::move(path)), lock_(std::move(lock)) {}
  Status RequireWritable(const char* what) const;
  // Writes one of the directory's JSON files, owner-only.
  Status Save(const char* name, const boost::json::object& body) const;
  std::string File(const char* name) const;

  std::string path_;
  std::optional<FileLock> lock_;
};

}  // namespace hvr
