// The durable JSON of a session: the forms in which its state directory keeps the journal
// (state.json), the protection settings (settings.json), jobs (jobs.json) and the running
// job's progress (live.json). Times are Unix seconds; GUIDs are text. Decoders name the
// file and field (`where`) in their errors, and refuse what the writers would not write.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/job.hpp"
#include "hvr/protection.hpp"
#include "hvr/replication_statistics.hpp"
#include "hvr/vm_recovery_point.hpp"
#include "session/session_state.hpp"

namespace hvr {

boost::json::object ToJson(const SessionState& state);
Result<SessionState> SessionStateFromJson(const boost::json::object& json, const std::string& where);

boost::json::object DiskSpecToJson(const DiskSpec& disk);
Result<DiskSpec> DiskSpecFromJson(const boost::json::object& json, const std::string& where);
boost::json::object ToJson(const ProtectionSettings& settings);
Result<ProtectionSettings> SettingsFromJson(const boost::json::object& json, const std::string& where);

boost::json::object ToJson(const Job& job);
Result<Job> JobFromJson(const boost::json::value& json, const std::string& where);
// The statistics with their averages; times in Unix seconds, durations in milliseconds.
boost::json::object ToJson(const ReplicationStatistics& statistics);
Result<ReplicationStatistics> StatisticsFromJson(const boost::json::object& json, const std::string& where);
// {"job_id", "type", "step", "done", "total", "bytes_per_second", "seconds_left" (null
//  until a rate is known), "updated" (Unix seconds), "updated_ms" (Unix milliseconds)}
boost::json::object ToJson(const JobProgress& progress);
Result<JobProgress> JobProgressFromJson(const boost::json::value& json, const std::string& where);

boost::json::object ErrorToJson(const Error& error);
// Decodes what ErrorToJson wrote into *out (Result<Error> cannot be: its two sides would
// be one type); `where` names the file and field in errors.
Status DecodeError(const boost::json::object& o, const std::string& where, Error* out);
// A point as the journal records it, as the views show it too.
boost::json::object ToJson(const VmRecoveryPoint& point);
// Unix seconds, or null when unset: how every optional time is written.
boost::json::value TimeOrNull(const std::optional<TimePoint>& time);

}  // namespace hvr
