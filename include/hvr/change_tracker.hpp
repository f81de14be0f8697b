// Change tracking: what a host agent (or the reference guest) embeds to record every
// write to a virtual disk in Hyper-V Replica Logs, one log per replication interval.
//
// The tracker owns a folder of logs named <log_name>-<16-digit sequence>.hrl, so names
// sort in log order. Record() appends to the current log from any thread; Rotate()
// closes it durably, starts the next one (whose PreviousUniqueId is the closed log's
// UniqueId) and returns the closed log's path, which the replication session ships.
// A log that is being closed or shipped never receives another write.
//
// After a restart the tracker continues the chain from the newest log in the folder. If
// that log was never closed, tracking was interrupted (a crash or power loss): writes
// may be missing from it, so the tracker reports it (interrupted_log(), and a warning
// through the log callback) and the session must resynchronize the disk. The unclosed
// log is left as it is; readers refuse it with kLogNotClosed.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"
#include "hvr/hrl.hpp"
#include "hvr/hrl_writer.hpp"
#include "hvr/progress.hpp"

namespace hvr {

// The disk whose writes are tracked.
struct TrackedDisk {
  uint64_t virtual_size = 0;
  // The disk's DataWriteGuid, stamped into every log as Vhd2DataWriteGuid: a session
  // that finds the disk's GUID different knows it was written while not tracked.
  Guid data_write_guid;
};

struct ChangeTrackerOptions {
  std::string log_name = "hvr";  // letters, digits, '.', '_' and '-'
  uint32_t metadata_size = kHrlDefaultMetadataSize;
  size_t buffer_size = 1 << 20;  // data gathered in memory before it is written out
  const Clock* clock = nullptr;  // timestamps; null: the system clock
  LogFn log;                     // warned when tracking is found interrupted
  const HrlOutputFactory* output = nullptr;  // HrlWriterOptions::output, for every log
};

// Thread-safe: Record, Flush, Rotate and Close may be called from any threads at once.
//
// Durability: a write is in the log once Flush, Rotate or Close returns, and on disk
// once the log is closed (Rotate and Close fsync its data, then its header, before they
// return). Until then a write may sit in memory or in the OS; a crash then leaves the
// log unclosed, which is detected (see above) and never mistaken for a complete log.
class ChangeTracker {
 public:
  static Result<std::unique_ptr<ChangeTracker>> Open(const std::string& folder, const TrackedDisk& disk,
                                                     ChangeTrackerOptions options = {});

  ChangeTracker(const ChangeTracker&) = delete;
  ChangeTracker& operator=(const ChangeTracker&) = delete;
  // Closes the current log if Close() was not called (errors cannot be reported here).
  ~ChangeTracker();

  // Records that `data` was written at `offset`. A write beyond the disk is refused
  // (kInvalidArgument) and changes nothing. Any other failure means the current log may
  // lack a write: it is left unclosed, every later Record fails, and the next Rotate
  // starts a new log and reports kLogNotClosed (resynchronize).
  Status Record(uint64_t offset, std::span<const uint8_t> data);

  // Writes what is gathered to the current log (to the OS; see Durability).
  Status Flush();

  // Closes the current log durably and starts the next one; returns the closed log's
  // path. If the next log cannot be created, nothing changes and recording goes on in
  // the current log. If the current log cannot be closed (or a Record had failed), the
  // next log is started anyway and the result is kLogNotClosed naming the old one.
  Result<std::string> Rotate();

  // Closes the current log durably; recording stops. Closing twice is harmless.
  Status Close();

  std::string current_log() const;
  // The newest log found unclosed when the tracker was opened, if any.
  const std::optional<std::string>& interrupted_log() const { return interrupted_; }

 private:
  ChangeTracker(std::string folder, TrackedDisk disk, ChangeTrackerOptions options)
      : folder_(std::move(folder)), disk_(disk), options_(std::move(options)) {}
  Result<HrlWriter> CreateLog(uint64_t sequence, const Guid& previous) const;

  const std::string folder_;
  const TrackedDisk disk_;
  const ChangeTrackerOptions options_;
  std::optional<std::string> interrupted_;

  std::mutex rotate_mu_;  // one Rotate or Close at a time; guards sequence_
  uint64_t sequence_ = 0;
  mutable std::mutex mu_;  // guards current_ and closed_
  std::unique_ptr<HrlWriter> current_;
  bool closed_ = false;
};

// Ok when `name` is a valid log name: letters, digits, '.', '_' and '-'.
Status ValidateLogName(std::string_view name);

// "<log_name>-<sequence, 16 digits>.hrl": the name of a tracked log.
std::string TrackedLogName(std::string_view log_name, uint64_t sequence);

// The closed logs of `log_name` in `folder`, oldest first: what a session has to ship,
// found again after a crash. Unclosed logs (the one being written, an interrupted one)
// and logs whose header is damaged are left out; the chain check then shows the gap.
Result<std::vector<std::string>> ListClosedLogs(const std::string& folder,
                                                std::string_view log_name = "hvr");

// Every log of `log_name` in `folder`, closed or not, oldest first (by file name).
Result<std::vector<std::string>> ListTrackedLogs(const std::string& folder,
                                                 std::string_view log_name = "hvr");

}  // namespace hvr
