// The durable JSON of a session: the journal (state.json), the settings (settings.json),
// jobs (jobs.json) and live progress (live.json). Every change here is a change of file
// format: old files must still load (fields added later are optional when read), and
// SessionState::kVersion says which journals this version reads.
#include "session/journal_json.hpp"

#include <algorithm>

#include "session/json_fields.hpp"

namespace hvr {
namespace json = boost::json;
namespace {

using std::chrono::seconds;

json::value GuidOrNull(const std::optional<Guid>& g) {
  if (!g) return nullptr;
  return json::string(g->ToString());
}

// Strings of an array, failing on anything else.
std::vector<std::string> Strings(JsonFields& f, const char* key) {
  std::vector<std::string> out;
  for (const auto& v : f.Array(key)) {
    if (!v.is_string()) {
      f.Fail(key, "holds a value that is not a string");
      return {};
    }
    out.emplace_back(v.get_string());
  }
  return out;
}


json::object WorkHoursToJson(const WorkHours& hours) {
  json::array days;
  for (bool d : hours.days) days.push_back(d);
  json::object o{{"start_minute", hours.start.count()}, {"end_minute", hours.end.count()}, {"days", days}};
  o["utc_offset_minutes"] = hours.utc_offset ? json::value(hours.utc_offset->count()) : json::value(nullptr);
  return o;
}

WorkHours WorkHoursFromJson(JsonFields& parent, const char* key) {
  WorkHours hours;
  JsonFields f(parent.Object(key), parent.where() + ": " + key);
  hours.start = std::chrono::minutes(f.I64("start_minute"));
  hours.end = std::chrono::minutes(f.I64("end_minute"));
  const auto& days = f.Array("days");
  if (days.size() != 7) {
    f.Fail("days", "expected 7 values, Sunday first");
  } else {
    for (size_t i = 0; i < 7; ++i) hours.days[i] = days[i].is_bool() && days[i].get_bool();
  }
  if (auto offset = f.OptionalI64("utc_offset_minutes")) hours.utc_offset = std::chrono::minutes(*offset);
  if (f.error()) parent.Fail(key, f.error()->message());
  return hours;
}

json::array StringsToJson(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
}

json::object PointToJson(const VmRecoveryPoint& p);
Result<VmRecoveryPoint> PointFromJson(const json::value& v, const std::string& where);

// A job's type as jobs and live progress record it: its number, one of JobType's.
JobType JobTypeField(JsonFields& f) {
  const int64_t type = f.I64("type_number");
  if (type < 0 || type > static_cast<int>(JobType::kAddDisk)) f.Fail("type_number", "unknown job type");
  return static_cast<JobType>(type);
}

json::array GuidsToJson(const std::vector<Guid>& list) {
  json::array out;
  for (const Guid& g : list) out.emplace_back(g.ToString());
  return out;
}

std::vector<Guid> Guids(JsonFields& f, const char* key) {
  std::vector<Guid> out;
  for (const std::string& text : Strings(f, key)) {
    auto g = Guid::Parse(text);
    if (!g.ok()) f.Fail(key, "holds a value that is not a GUID");
    out.push_back(g.ok() ? *g : Guid{});
  }
  return out;
}

json::object FailoverToJson(const FailoverState& f) {
  return {{"point", PointToJson(f.point)},
          {"planned", f.planned},
          {"disks", StringsToJson(f.disks)},
          {"base_snapshots", StringsToJson(f.base_snapshots)},
          {"source_identities", GuidsToJson(f.source_identities)},
          {"vm_created", f.vm_created}};
}

Result<FailoverState> FailoverFromJson(const json::object& o, const std::string& where) {
  JsonFields f(o, where);
  FailoverState out;
  HVR_ASSIGN_OR_RETURN(out.point, PointFromJson(f.Object("point"), where + ": point"));
  out.planned = f.Bool("planned");
  out.disks = Strings(f, "disks");
  out.base_snapshots = Strings(f, "base_snapshots");
  out.source_identities = Guids(f, "source_identities");
  out.vm_created = f.Bool("vm_created");
  if (f.error()) return *f.error();
  return out;
}

json::object FailbackToJson(const FailbackState& b) {
  const json::array identities = GuidsToJson(b.synced_identities);
  return {{"folder", b.folder},
          {"paths", StringsToJson(b.paths)},
          {"synced_snapshots", StringsToJson(b.synced_snapshots)},
          {"synced_identities", identities},
          {"syncs", b.syncs},
          {"azure_vm_stopped", b.azure_vm_stopped},
          {"final_sync_done", b.final_sync_done},
          {"replica_seeded", b.replica_seeded},
          {"vm_started", b.vm_started}};
}

Result<FailbackState> FailbackFromJson(const json::object& o, const std::string& where) {
  JsonFields f(o, where);
  FailbackState out;
  out.folder = f.String("folder");
  out.paths = Strings(f, "paths");
  out.synced_snapshots = Strings(f, "synced_snapshots");
  out.synced_identities = Guids(f, "synced_identities");
  out.syncs = f.U64("syncs");
  out.azure_vm_stopped = f.Bool("azure_vm_stopped");
  out.final_sync_done = f.Bool("final_sync_done");
  out.replica_seeded = f.Bool("replica_seeded");
  out.vm_started = f.Bool("vm_started");
  if (f.error()) return *f.error();
  return out;
}

json::object PointToJson(const VmRecoveryPoint& p) {
  json::array snapshots;
  for (const auto& s : p.snapshots) snapshots.emplace_back(s);
  json::array sizes;
  for (const uint64_t size : p.disk_sizes) sizes.emplace_back(size);
  return {{"id", p.id},
          {"sequence", p.sequence},
          {"created", ToUnixSeconds(p.created)},
          {"source_time", ToUnixSeconds(p.source_time)},
          {"app_consistent", p.app_consistent},
          {"snapshots", snapshots},
          {"disk_sizes", sizes}};
}

Result<VmRecoveryPoint> PointFromJson(const json::value& v, const std::string& where) {
  if (!v.is_object()) return Error(Code::kCorruptData, where + ": a recovery point is not an object");
  JsonFields f(v.get_object(), where);
  VmRecoveryPoint p;
  p.id = f.String("id");
  p.sequence = f.U64("sequence");
  p.created = f.Time("created");
  p.source_time = f.Time("source_time");
  p.app_consistent = f.Bool("app_consistent");
  p.snapshots = Strings(f, "snapshots");
  // Absent from points of older versions: the replicas' sizes (VmRecoveryPoint).
  if (f.Has("disk_sizes")) {
    for (const auto& size : f.Array("disk_sizes")) {
      if (!size.is_uint64() && !(size.is_int64() && size.get_int64() >= 0)) {
        return Error(Code::kCorruptData, where + ": disk_sizes holds a value that is not a size");
      }
      p.disk_sizes.push_back(size.is_uint64() ? size.get_uint64() : static_cast<uint64_t>(size.get_int64()));
    }
  }
  if (f.error()) return *f.error();
  return p;
}

}  // namespace

json::object ErrorToJson(const Error& error) {
  return {{"code", std::string(CodeName(error.code()))},
          {"code_number", static_cast<int>(error.code())},
          {"class", error.recoverable() ? "recoverable"
                    : error.error_class() == ErrorClass::kResyncRequired ? "resync_required"
                                                                          : "non_recoverable"},
          {"message", error.message()}};
}

Status DecodeError(const json::object& o, const std::string& where, Error* out) {
  JsonFields f(o, where);
  const int code = static_cast<int>(f.I64("code_number"));
  const std::string message = f.String("message");
  if (f.error()) return *f.error();
  if (code <= 0 || code >= kCodeCount) return Error(Code::kCorruptData, where + ": unknown error code");
  *out = Error(static_cast<Code>(code), message);
  return Ok();
}

json::object ToJson(const ReplicationStatistics& r) {
  const auto ms = [](Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  json::object o{{"since", ToUnixSeconds(r.since)},
                 {"successful_cycles", r.successful_cycles},
                 {"missed_cycles", r.missed_cycles},
                 {"failed_cycles", r.failed_cycles},
                 {"network_failures", r.network_failures},
                 {"app_consistent_failures", r.app_consistent_failures},
                 {"resyncs", r.resyncs},
                 {"resync_bytes", r.resync_bytes},
                 {"bytes_sent", r.bytes_sent},
                 {"cycles_with_point", r.cycles_with_point},
                 {"cycle_bytes_total", r.cycle_bytes_total},
                 {"cycle_bytes_max", r.cycle_bytes_max},
                 {"average_cycle_bytes", r.average_cycle_bytes()},
                 {"latency_total_ms", ms(r.latency_total)},
                 {"latency_max_ms", ms(r.latency_max)},
                 {"average_latency_ms", ms(r.average_latency())}};
  o["last_cycle_duration_ms"] =
      r.last_cycle_duration ? json::value(ms(*r.last_cycle_duration)) : json::value(nullptr);
  return o;
}

Result<ReplicationStatistics> StatisticsFromJson(const json::object& o, const std::string& where) {
  JsonFields f(o, where);
  ReplicationStatistics r;
  r.since = f.Time("since");
  r.successful_cycles = f.U64("successful_cycles");
  r.missed_cycles = f.U64("missed_cycles");
  r.failed_cycles = f.U64("failed_cycles");
  r.network_failures = f.U64("network_failures");
  r.app_consistent_failures = f.U64("app_consistent_failures");
  r.resyncs = f.U64("resyncs");
  r.resync_bytes = f.U64("resync_bytes");
  r.bytes_sent = f.U64("bytes_sent");
  r.cycles_with_point = f.U64("cycles_with_point");
  r.cycle_bytes_total = f.U64("cycle_bytes_total");
  r.cycle_bytes_max = f.U64("cycle_bytes_max");
  // Durations in milliseconds that the clock holds (a year at most is far beyond any).
  const auto duration = [&](const char* key, int64_t ms) -> Duration {
    if (ms < 0 || ms > int64_t{1} << 52) f.Fail(key, "not a duration the clock can hold");
    return std::chrono::duration_cast<Duration>(std::chrono::milliseconds(std::clamp<int64_t>(ms, 0, int64_t{1} << 52)));
  };
  r.latency_total = duration("latency_total_ms", f.I64("latency_total_ms"));
  r.latency_max = duration("latency_max_ms", f.I64("latency_max_ms"));
  if (const auto last = f.OptionalI64("last_cycle_duration_ms")) {
    r.last_cycle_duration = duration("last_cycle_duration_ms", *last);
  }
  if (f.error()) return *f.error();
  return r;
}

json::object ToJson(const JobProgress& p) {
  const auto updated_ms = std::chrono::duration_cast<std::chrono::milliseconds>(p.updated.time_since_epoch()).count();
  json::object o{{"job_id", p.job_id},
                 {"type", JobTypeName(p.type)},
                 {"type_number", static_cast<int>(p.type)},
                 {"step", p.step},
                 {"done", p.done},
                 {"total", p.total},
                 {"bytes_per_second", p.bytes_per_second},
                 {"updated", ToUnixSeconds(p.updated)},
                 {"updated_ms", static_cast<int64_t>(updated_ms)}};
  o["seconds_left"] = p.time_left ? json::value(std::chrono::duration_cast<std::chrono::seconds>(*p.time_left).count())
                                  : json::value(nullptr);
  return o;
}

Result<JobProgress> JobProgressFromJson(const json::value& v, const std::string& where) {
  if (!v.is_object()) return Error(Code::kCorruptData, where + ": not an object");
  JsonFields f(v.get_object(), where);
  JobProgress p;
  p.job_id = f.String("job_id");
  p.type = JobTypeField(f);
  p.step = f.String("step");
  p.done = f.U64("done");
  p.total = f.U64("total");
  p.bytes_per_second = f.U64("bytes_per_second");
  if (const auto left = f.OptionalI64("seconds_left")) {
    if (*left < 0) f.Fail("seconds_left", "negative");
    p.time_left = std::chrono::seconds(*left);
  }
  const int64_t updated_ms = f.I64("updated_ms");
  if (!FromUnixSeconds(updated_ms / 1000)) f.Fail("updated_ms", "not a time the clock can hold");
  if (f.error()) return *f.error();
  p.updated = TimePoint(std::chrono::duration_cast<Duration>(std::chrono::milliseconds(updated_ms)));
  return p;
}

json::object ToJson(const VmRecoveryPoint& point) { return PointToJson(point); }

json::value TimeOrNull(const std::optional<TimePoint>& time) {
  if (!time) return nullptr;
  return ToUnixSeconds(*time);
}

namespace {

// One replicated disk, in the state and in a disk addition's record.
json::object DiskStateToJson(const DiskState& d) {
  return json::object{{"source", d.source},
                      {"source_size", d.source_size},
                      {"replica", d.replica},
                      {"replica_size", d.replica_size},
                      {"growing_to", d.growing_to},
                      {"tracked_identity", d.tracked_identity.ToString()},
                      {"last_applied_log", GuidOrNull(d.last_applied_log)},
                      {"obsolete_logs", StringsToJson(d.obsolete_logs)},
                      {"frozen_path", d.frozen_path},
                      {"sync_done", d.sync_done},
                      {"sync_total", d.sync_total},
                      {"bytes_sent", d.bytes_sent},
                      {"pending_log_bytes", d.pending_log_bytes},
                      {"replica_etag", d.replica_etag},
                      {"verify_replica", d.verify_replica},
                      {"seeded", d.seeded},
                      {"first_point", d.first_point}};
}

Result<DiskState> DiskStateFromJson(const json::value& v, const std::string& where) {
  if (!v.is_object()) return Error(Code::kCorruptData, where + ": a disk is not an object");
  JsonFields d(v.get_object(), where);
  DiskState disk;
  disk.source = d.String("source");
  disk.source_size = d.U64("source_size");
  disk.replica = d.String("replica");
  disk.replica_size = d.U64("replica_size");
  disk.growing_to = d.Has("growing_to") ? d.U64("growing_to") : 0;
  disk.tracked_identity = d.GuidField("tracked_identity");
  disk.last_applied_log = d.OptionalGuid("last_applied_log");
  disk.obsolete_logs = Strings(d, "obsolete_logs");
  disk.frozen_path = d.String("frozen_path");
  disk.sync_done = d.U64("sync_done");
  disk.sync_total = d.U64("sync_total");
  disk.bytes_sent = d.U64("bytes_sent");
  disk.pending_log_bytes = d.U64("pending_log_bytes");
  // Absent from the states of older versions: nothing recorded, nothing asked.
  disk.replica_etag = d.OptionalString("replica_etag").value_or("");
  disk.verify_replica = d.Has("verify_replica") && d.Bool("verify_replica");
  disk.seeded = d.Has("seeded") && d.Bool("seeded");
  // Absent from the states of older versions, whose disks joined with the VM or were read
  // so by adopting: every point may hold them.
  disk.first_point = d.Has("first_point") ? d.U64("first_point") : 0;
  if (d.error()) return *d.error();
  return disk;
}

}  // namespace

json::object ToJson(const SessionState& s) {
  json::array points;
  for (const auto& p : s.points) points.push_back(PointToJson(p));
  json::array disks;
  for (const auto& d : s.disks) disks.push_back(DiskStateToJson(d));
  json::object o{{"version", SessionState::kVersion},
                 {"vm_id", s.vm_id.ToString()},
                 {"protection_complete", s.protection_complete},
                 {"owner", s.owner.ToString()},
                 {"state", ReplicationStateName(s.state)},
                 {"state_number", static_cast<int>(s.state)},
                 {"checkpoint_requested", s.checkpoint_requested},
                 {"checkpoint_active", s.checkpoint_active},
                 {"checkpoint_stale", s.checkpoint_stale},
                 {"checkpoint_time", TimeOrNull(s.checkpoint_time)},
                 {"catch_up_started", s.catch_up_started},
                 {"copy_done", s.copy_done},
                 {"resync_reason", s.resync_reason},
                 {"resync_by_hand", s.resync_by_hand},
                 {"next_point", s.next_point},
                 {"next_job", s.next_job},
                 {"points", points},
                 {"last_cycle", TimeOrNull(s.last_cycle)},
                 {"last_app_consistent", TimeOrNull(s.last_app_consistent)},
                 {"cycles", s.cycles},
                 {"last_cycle_attempt", TimeOrNull(s.last_cycle_attempt)},
                 {"statistics", ToJson(s.statistics)},
                 {"lifetime_statistics", ToJson(s.lifetime_statistics)},
                 {"disks", disks}};
  if (s.failure) {
    o["failure"] = json::object{{"first_failure", ToUnixSeconds(s.failure->first_failure)},
                                {"last_attempt", ToUnixSeconds(s.failure->last_attempt)},
                                {"retries", s.failure->retries},
                                {"error", ErrorToJson(s.failure->last_error)}};
  }
  if (s.critical) o["critical"] = ErrorToJson(*s.critical);
  if (s.failover) o["failover"] = FailoverToJson(*s.failover);
  if (s.test_failover) o["test_failover"] = FailoverToJson(*s.test_failover);
  if (s.failback) o["failback"] = FailbackToJson(*s.failback);
  o["failover_committed"] = s.failover_committed;
  o["failback_committed"] = s.failback_committed;
  o["suspended_since"] = TimeOrNull(s.suspended_since);
  o["removing"] = s.removing;
  o["removing_replicas"] = s.removing_replicas;
  if (s.disk_removal) {
    o["disk_removal"] = json::object{{"disk", DiskSpecToJson(s.disk_removal->disk)},
                                     {"delete_replica", s.disk_removal->delete_replica}};
  }
  if (const auto& a = s.disk_addition) {
    o["disk_addition"] = json::object{{"disk", DiskSpecToJson(a->disk)},
                                      {"state", DiskStateToJson(a->state)},
                                      {"checkpoint_requested", a->checkpoint_requested},
                                      {"checkpoint_active", a->checkpoint_active},
                                      {"checkpoint_stale", a->checkpoint_stale},
                                      {"earlier_view_sent", a->earlier_view_sent},
                                      {"copy_done", a->copy_done},
                                      {"abandoned", a->abandoned},
                                      {"delete_replica", a->delete_replica}};
  }
  return o;
}

Result<SessionState> SessionStateFromJson(const json::object& o, const std::string& where) {
  JsonFields f(o, where);
  if (f.I64("version") != SessionState::kVersion && !f.error()) {
    return Error(Code::kUnsupported, where + ": state version " + std::to_string(f.I64("version")) +
                                         " is not " + std::to_string(SessionState::kVersion));
  }
  SessionState s;
  s.vm_id = f.GuidField("vm_id");
  s.protection_complete = f.Bool("protection_complete");
  // Absent from the states of older versions: no owner.
  if (f.Has("owner")) s.owner = f.GuidField("owner");
  const int64_t state = f.I64("state_number");
  if (state < 0 || state > static_cast<int>(ReplicationState::kFailingOver)) f.Fail("state_number", "unknown state");
  s.state = static_cast<ReplicationState>(state);
  s.checkpoint_requested = f.Bool("checkpoint_requested");
  s.checkpoint_active = f.Bool("checkpoint_active");
  s.checkpoint_stale = f.Has("checkpoint_stale") && f.Bool("checkpoint_stale");
  s.checkpoint_time = f.OptionalTime("checkpoint_time");
  s.catch_up_started = f.Bool("catch_up_started");
  s.copy_done = f.Has("copy_done") && f.Bool("copy_done");
  s.resync_reason = f.String("resync_reason");
  s.resync_by_hand = f.Bool("resync_by_hand");
  s.next_point = f.U64("next_point");
  s.next_job = f.U64("next_job");
  for (const auto& v : f.Array("points")) {
    auto point = PointFromJson(v, where + ": points");
    if (!point.ok()) return std::move(point).error();
    s.points.push_back(std::move(*point));
  }
  s.last_cycle = f.OptionalTime("last_cycle");
  s.last_app_consistent = f.OptionalTime("last_app_consistent");
  s.cycles = f.U64("cycles");
  if (f.Has("last_cycle_attempt")) s.last_cycle_attempt = f.OptionalTime("last_cycle_attempt");
  // Kept since statistics exist: an older state starts them from zero.
  if (f.Has("statistics")) {
    HVR_ASSIGN_OR_RETURN(s.statistics, StatisticsFromJson(f.Object("statistics"), where + ": statistics"));
  }
  if (f.Has("lifetime_statistics")) {
    HVR_ASSIGN_OR_RETURN(s.lifetime_statistics,
                         StatisticsFromJson(f.Object("lifetime_statistics"), where + ": lifetime_statistics"));
  }
  for (const auto& v : f.Array("disks")) {
    HVR_ASSIGN_OR_RETURN(DiskState disk, DiskStateFromJson(v, where + ": disks"));
    s.disks.push_back(std::move(disk));
  }
  if (const auto* failure = f.OptionalObject("failure")) {
    JsonFields ff(*failure, where + ": failure");
    FailureHistory fs;
    fs.first_failure = ff.Time("first_failure");
    fs.last_attempt = ff.Time("last_attempt");
    fs.retries = static_cast<int>(ff.I64("retries"));
    const auto& error = ff.Object("error");
    if (ff.error()) return *ff.error();
    HVR_RETURN_IF_ERROR(DecodeError(error, where + ": failure.error", &fs.last_error));
    s.failure = std::move(fs);
  }
  if (const auto* o2 = f.OptionalObject("failover")) {
    HVR_ASSIGN_OR_RETURN(s.failover, FailoverFromJson(*o2, where + ": failover"));
  }
  if (const auto* o2 = f.OptionalObject("test_failover")) {
    HVR_ASSIGN_OR_RETURN(s.test_failover, FailoverFromJson(*o2, where + ": test_failover"));
  }
  if (const auto* o2 = f.OptionalObject("failback")) {
    HVR_ASSIGN_OR_RETURN(s.failback, FailbackFromJson(*o2, where + ": failback"));
  }
  s.failover_committed = f.Bool("failover_committed");
  s.failback_committed = f.Bool("failback_committed");
  // Absent from the states of older versions: never suspended, not being removed.
  if (f.Has("suspended_since")) s.suspended_since = f.OptionalTime("suspended_since");
  s.removing = f.Has("removing") && f.Bool("removing");
  s.removing_replicas = f.Has("removing_replicas") && f.Bool("removing_replicas");
  if (const auto* removal = f.OptionalObject("disk_removal")) {
    JsonFields r(*removal, where + ": disk_removal");
    DiskRemoval pending;
    pending.delete_replica = r.Bool("delete_replica");
    const auto& disk = r.Object("disk");
    if (r.error()) return *r.error();
    HVR_ASSIGN_OR_RETURN(pending.disk, DiskSpecFromJson(disk, where + ": disk_removal.disk"));
    s.disk_removal = std::move(pending);
  }
  if (const auto* addition = f.OptionalObject("disk_addition")) {
    JsonFields a(*addition, where + ": disk_addition");
    DiskAddition pending;
    pending.checkpoint_requested = a.Bool("checkpoint_requested");
    pending.checkpoint_active = a.Bool("checkpoint_active");
    // Absent in a journal written before a failed addition gave its checkpoint up.
    pending.checkpoint_stale = a.Has("checkpoint_stale") && a.Bool("checkpoint_stale");
    pending.earlier_view_sent = a.Has("earlier_view_sent") && a.Bool("earlier_view_sent");
    pending.copy_done = a.Bool("copy_done");
    // Absent in a journal written before an addition could be given up.
    pending.abandoned = a.Has("abandoned") && a.Bool("abandoned");
    pending.delete_replica = a.Has("delete_replica") && a.Bool("delete_replica");
    const auto& disk = a.Object("disk");
    const auto& recorded = a.Object("state");
    if (a.error()) return *a.error();
    HVR_ASSIGN_OR_RETURN(pending.disk, DiskSpecFromJson(disk, where + ": disk_addition.disk"));
    HVR_ASSIGN_OR_RETURN(pending.state, DiskStateFromJson(recorded, where + ": disk_addition.state"));
    s.disk_addition = std::move(pending);
  }
  if (const auto* critical = f.OptionalObject("critical")) {
    Error e(Code::kOk, {});
    HVR_RETURN_IF_ERROR(DecodeError(*critical, where + ": critical", &e));
    s.critical = std::move(e);
  }
  if (f.error()) return *f.error();
  return s;
}

json::object DiskSpecToJson(const DiskSpec& d) {
  return json::object{
      {"path", d.path}, {"log_folder", d.log_folder}, {"log_name", d.log_name}, {"replica_name", d.replica_name}};
}

Result<DiskSpec> DiskSpecFromJson(const json::object& o, const std::string& where) {
  JsonFields d(o, where);
  DiskSpec disk{d.String("path"), d.String("log_folder"), d.String("log_name"), d.String("replica_name")};
  if (d.error()) return *d.error();
  return disk;
}

json::object ToJson(const ProtectionSettings& s) {
  json::array disks;
  for (const auto& d : s.disks) disks.push_back(DiskSpecToJson(d));
  json::object failover_vm;
  for (const auto& [k, v] : s.failover_vm) failover_vm[k] = v;
  json::object o{{"vm_name", s.vm_name},
                 {"disks", disks},
                 {"target", s.target},
                 {"max_in_flight", s.max_in_flight},
                 {"tls_verify", s.tls.verify},
                 {"tls_ca_file", s.tls.ca_file},
                 {"encryption_key_file", s.encryption_key_file},
                 {"interval_seconds", static_cast<int>(s.interval)},
                 {"recovery_history_hours", s.recovery_history.count()},
                 {"app_consistent_frequency_hours", s.app_consistent_frequency.count()},
                 {"resync_automatic", s.resync.automatic},
                 {"resync_office_hours", WorkHoursToJson(s.resync.office_hours)},
                 {"chunk_size", s.chunk_size},
                 {"failover_vm", failover_vm}};
  o["proxy"] = s.proxy ? json::value(*s.proxy) : json::value(nullptr);
  o["rpo_threshold_seconds"] = s.rpo_threshold ? json::value(s.rpo_threshold->count()) : json::value(nullptr);
  if (s.bandwidth) {
    o["bandwidth"] = json::object{{"work_bytes_per_second", s.bandwidth->work_bytes_per_second},
                                  {"non_work_bytes_per_second", s.bandwidth->non_work_bytes_per_second},
                                  {"work_hours", WorkHoursToJson(s.bandwidth->work_hours)}};
  }
  o["link"] = json::object{{"bytes_per_second", s.link.bytes_per_second},
                           {"requests_per_second", s.link.requests_per_second}};
  return o;
}

Result<ProtectionSettings> SettingsFromJson(const json::object& o, const std::string& where) {
  JsonFields f(o, where);
  ProtectionSettings s;
  s.vm_name = f.String("vm_name");
  for (const auto& v : f.Array("disks")) {
    if (!v.is_object()) return Error(Code::kCorruptData, where + ": a disk is not an object");
    HVR_ASSIGN_OR_RETURN(DiskSpec disk, DiskSpecFromJson(v.get_object(), where + ": disks"));
    s.disks.push_back(std::move(disk));
  }
  s.target = f.String("target");
  s.max_in_flight = static_cast<int>(f.I64("max_in_flight"));
  s.tls.verify = f.Bool("tls_verify");
  s.tls.ca_file = f.String("tls_ca_file");
  s.proxy = f.OptionalString("proxy");
  s.encryption_key_file = f.String("encryption_key_file");
  auto interval = IntervalFromSeconds(f.I64("interval_seconds"));
  if (!interval.ok()) f.Fail("interval_seconds", "not 30, 300 or 900");
  s.interval = interval.ok() ? *interval : ReplicationInterval::k5Minutes;
  s.recovery_history = std::chrono::hours(f.I64("recovery_history_hours"));
  s.app_consistent_frequency = std::chrono::hours(f.I64("app_consistent_frequency_hours"));
  if (auto rpo = f.OptionalI64("rpo_threshold_seconds")) s.rpo_threshold = seconds(*rpo);
  if (const auto* bw = f.OptionalObject("bandwidth")) {
    JsonFields b(*bw, where + ": bandwidth");
    BandwidthSchedule schedule;
    schedule.work_bytes_per_second = b.U64("work_bytes_per_second");
    schedule.non_work_bytes_per_second = b.U64("non_work_bytes_per_second");
    schedule.work_hours = WorkHoursFromJson(b, "work_hours");
    if (b.error()) return *b.error();
    s.bandwidth = schedule;
  }
  // Settings saved before the link was a setting have none: the default link.
  if (const auto* link = f.OptionalObject("link")) {
    JsonFields l(*link, where + ": link");
    s.link.bytes_per_second = l.U64("bytes_per_second");
    s.link.requests_per_second = static_cast<uint32_t>(l.U64("requests_per_second"));
    if (l.error()) return *l.error();
  }
  s.resync.automatic = f.Bool("resync_automatic");
  s.resync.office_hours = WorkHoursFromJson(f, "resync_office_hours");
  s.chunk_size = static_cast<uint32_t>(f.U64("chunk_size"));
  for (const auto& [k, v] : f.Object("failover_vm")) {
    if (!v.is_string()) f.Fail("failover_vm", "values must be strings");
    else s.failover_vm[std::string(k)] = std::string(v.get_string());
  }
  if (f.error()) return *f.error();
  // Settings that protection would have refused are damage, whatever their checksum says.
  if (Status valid = ValidateSettings(s); !valid.ok()) {
    return Error(Code::kCorruptData, where + ": " + valid.error().message());
  }
  return s;
}

json::object ToJson(const Job& job) {
  json::array steps;
  for (const auto& step : job.steps) {
    json::object o{{"name", step.name},
                   {"state", JobStateName(step.state)},
                   {"started", ToUnixSeconds(step.started)},
                   {"message", step.message},
                   {"progress_done", step.progress_done},
                   {"progress_total", step.progress_total}};
    o["ended"] = step.ended ? json::value(ToUnixSeconds(*step.ended)) : json::value(nullptr);
    steps.push_back(std::move(o));
  }
  json::object o{{"id", job.id},
                 {"type", JobTypeName(job.type)},
                 {"type_number", static_cast<int>(job.type)},
                 {"vm_name", job.vm_name},
                 {"state", JobStateName(job.state)},
                 {"state_number", static_cast<int>(job.state)},
                 {"started", ToUnixSeconds(job.started)},
                 {"steps", steps},
                 {"progress_done", job.progress_done},
                 {"progress_total", job.progress_total},
                 {"summary", job.summary}};
  o["ended"] = job.ended ? json::value(ToUnixSeconds(*job.ended)) : json::value(nullptr);
  o["error"] = job.error ? json::value(ErrorToJson(*job.error)) : json::value(nullptr);
  return o;
}

Result<Job> JobFromJson(const json::value& v, const std::string& where) {
  if (!v.is_object()) return Error(Code::kCorruptData, where + ": a job is not an object");
  JsonFields f(v.get_object(), where);
  Job job;
  job.id = f.String("id");
  job.type = JobTypeField(f);
  job.vm_name = f.String("vm_name");
  const int64_t state = f.I64("state_number");
  if (state < 0 || state > static_cast<int>(JobState::kInterrupted)) f.Fail("state_number", "unknown job state");
  job.state = static_cast<JobState>(state);
  job.started = f.Time("started");
  job.ended = f.OptionalTime("ended");
  job.progress_done = f.U64("progress_done");
  job.progress_total = f.U64("progress_total");
  job.summary = f.String("summary");
  for (const auto& sv : f.Array("steps")) {
    if (!sv.is_object()) return Error(Code::kCorruptData, where + ": a job step is not an object");
    JsonFields sf(sv.get_object(), where + ": steps");
    JobStep step;
    step.name = sf.String("name");
    const std::string st = sf.String("state");
    for (int i = 0; i <= static_cast<int>(JobState::kInterrupted); ++i) {
      if (st == JobStateName(static_cast<JobState>(i))) step.state = static_cast<JobState>(i);
    }
    step.started = sf.Time("started");
    step.ended = sf.OptionalTime("ended");
    step.message = sf.String("message");
    // Written since steps keep their progress.
    if (sf.Has("progress_done")) step.progress_done = sf.U64("progress_done");
    if (sf.Has("progress_total")) step.progress_total = sf.U64("progress_total");
    if (sf.error()) return *sf.error();
    job.steps.push_back(std::move(step));
  }
  if (const auto* error = f.OptionalObject("error")) {
    Error e(Code::kOk, {});
    HVR_RETURN_IF_ERROR(DecodeError(*error, where + ": error", &e));
    job.error = std::move(e);
  }
  if (f.error()) return *f.error();
  return job;
}


}  // namespace hvr
