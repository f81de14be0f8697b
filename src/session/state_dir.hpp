// A session's state directory: the relationship's settings, its state journal, recent
// jobs, the replica manifests, and requests other processes leave. Every file is
// checksummed JSON replaced atomically (util/checksummed_json.hpp), so a crash leaves the
// old or the new version and damage is reported, never believed. The directory is
// created readable by its owner only, because the settings hold the target's secret.
//
//   settings.json         ProtectionSettings (written at protection)
//   state.json            SessionState (after every step that changes it)
//   jobs.json             the most recent jobs
//   manifests/NAME.hvrm   the chunk manifest of replica disk NAME
//   requests/resync.json  a resync asked for by another process
//   lock                  a file lock held by the one process that runs the session
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hvr/error.hpp"
#include "hvr/job.hpp"
#include "hvr/protection.hpp"
#include "session/session_state.hpp"
#include "platform/file_lock.hpp"

namespace hvr {

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

  std::string ManifestPath(const std::string& replica) const;

  // Another process (or this one) asks for a resync; TakeResyncRequest returns the
  // reason once and removes the request.
  Status LeaveResyncRequest(const std::string& reason);
  Result<std::optional<std::string>> TakeResyncRequest();

 private:
  StateDir(std::string path, std::optional<FileLock> lock) : path_(std::move(path)), lock_(std::move(lock)) {}
  Status RequireWritable(const char* what) const;
  std::string File(const char* name) const { return path_ + "/" + name; }

  std::string path_;
  std::optional<FileLock> lock_;
};

}  // namespace hvr
