// What a session remembers between runs (its journal), and the JSON forms of it and of
// the protection settings. Times are Unix seconds; GUIDs are text.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hvr/error.hpp"
#include "hvr/guid.hpp"
#include "hvr/protection.hpp"
#include "hvr/session.hpp"

namespace hvr {

// One replicated disk.
struct DiskState {
  std::string replica;        // the replica disk's name
  uint64_t replica_size = 0;  // its virtual size (whole MiB)
  // The DataWriteGuid the disk's logs must carry (Vhd2DataWriteGuid); zero: take it from
  // the next log. A log carrying another one means the disk was written untracked.
  Guid tracked_identity;
  // The UniqueId of the newest log applied to the replica; unset: the next log is
  // accepted without a chain check (the first after a checkpoint).
  std::optional<Guid> last_applied_log;
  // Closed logs that a copy from a checkpoint made obsolete: never applied, deleted once
  // the copy's recovery point exists.
  std::vector<std::string> obsolete_logs;
  // The point-in-time view being copied, while a checkpoint is active.
  std::string frozen_path;
  uint64_t sync_done = 0;   // bytes of the current copy or resync examined...
  uint64_t sync_total = 0;  // ...of these
  uint64_t bytes_sent = 0;
  uint64_t pending_log_bytes = 0;
};

// A run of failed attempts (the retry policy's history), kept across restarts so that a
// restart neither forgets the back-off nor retries early.
struct FailureState {
  TimePoint first_failure;
  TimePoint last_attempt;
  int retries = 0;
  Error error{Code::kOk, {}};
};

struct SessionState {
  static constexpr int kVersion = 1;

  Guid vm_id;
  std::string lease_id;
  // Enable protection finished: the replica disks exist and their leases were taken.
  bool protection_complete = false;  // proposed on every acquire, so a restart takes its lease back
  ReplicationState state = ReplicationState::kEnabled;
  // The host was asked for a checkpoint (the obsolete logs were listed before): a crash
  // before the answer was recorded asks again, keeping that list.
  bool checkpoint_requested = false;
  bool checkpoint_active = false;  // the host holds a checkpoint for a copy in progress
  std::optional<TimePoint> checkpoint_time;
  // The copy from the checkpoint has begun applying the logs written meanwhile: the
  // replica may now hold data that is not the frozen view's.
  bool catch_up_started = false;
  std::string resync_reason;
  bool resync_by_hand = false;  // an operator asked: it runs at once, whatever the window
  uint64_t next_point = 1;
  uint64_t next_job = 1;
  std::vector<VmRecoveryPoint> points;  // oldest first
  std::optional<TimePoint> last_cycle;  // start of the last delta cycle that completed
  std::optional<TimePoint> last_app_consistent;
  std::optional<FailureState> failure;  // recoverable errors being retried
  std::optional<Error> critical;        // a non-recoverable error: an operator must act
  uint64_t cycles = 0;
  std::vector<DiskState> disks;
};

boost::json::object ToJson(const SessionState& state);
Result<SessionState> SessionStateFromJson(const boost::json::object& json, const std::string& where);

boost::json::object ToJson(const ProtectionSettings& settings);
Result<ProtectionSettings> SettingsFromJson(const boost::json::object& json, const std::string& where);

boost::json::object ToJson(const Job& job);
Result<Job> JobFromJson(const boost::json::value& json, const std::string& where);

boost::json::object ToJson(const VmRecoveryPoint& point);
boost::json::object ToJson(const SessionStatus& status);
boost::json::object ErrorToJson(const Error& error);

int64_t ToUnixSeconds(TimePoint t);
TimePoint FromUnixSeconds(int64_t seconds);

}  // namespace hvr
