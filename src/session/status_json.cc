// The JSON views of what a session shows: its status, events, and the reports of
// failover, failback, verification and recovery plans (docs/monitoring.md). They are
// output, never read back; the values they share with the journal (points, errors,
// statistics, progress) are written as the journal writes them.
#include "session/status_json.hpp"

#include "store/store_json.hpp"

namespace hvr {
namespace json = boost::json;

json::object ToJson(const SessionStatus& s) {
  json::array disks;
  for (const auto& d : s.disks) {
    disks.push_back(json::object{{"source", d.source},
                                 {"replica", d.replica},
                                 {"virtual_size", d.virtual_size},
                                 {"sync_done", d.sync_done},
                                 {"sync_total", d.sync_total},
                                 {"bytes_sent", d.bytes_sent},
                                 {"pending_log_bytes", d.pending_log_bytes}});
  }
  json::object o{{"vm_name", s.vm_name},
                 {"vm_id", s.vm_id.ToString()},
                 {"target", s.target},
                 {"state", ReplicationStateName(s.state)},
                 {"health", HealthName(s.health)},
                 {"sync_percent", s.sync_percent},
                 {"recovery_points", s.recovery_point_count},
                 {"resync_reason", s.resync_reason},
                 {"cycles", s.cycles},
                 {"bytes_sent", s.bytes_sent},
                 {"disks", disks}};
  o["last_replicated"] = TimeOrNull(s.last_replicated);
  o["rpo_seconds"] = s.rpo ? json::value(std::chrono::duration_cast<std::chrono::seconds>(*s.rpo).count()) : json::value(nullptr);
  o["latest_point"] = s.latest_point ? json::value(ToJson(*s.latest_point)) : json::value(nullptr);
  o["last_error"] = s.last_error ? json::value(ErrorToJson(*s.last_error)) : json::value(nullptr);
  o["failing_since"] = TimeOrNull(s.failing_since);
  o["next_attempt"] = TimeOrNull(s.next_attempt);
  o["retries"] = s.retries;
  o["test_failover"] = s.test_failover;
  o["suspended"] = s.suspended_since.has_value();
  o["suspended_since"] = TimeOrNull(s.suspended_since);
  o["interval_seconds"] = static_cast<int>(s.interval);
  o["recovery_history_hours"] = s.recovery_history.count();
  o["app_consistent_frequency_hours"] = s.app_consistent_frequency.count();
  o["store"] = StoreStatisticsToJson(s.store);
  o["progress"] = s.progress ? json::value(ToJson(*s.progress)) : json::value(nullptr);
  o["pending_bytes"] = s.pending_bytes;
  o["health_reason"] = s.health_reason;
  o["statistics"] = ToJson(s.statistics);
  o["lifetime_statistics"] = ToJson(s.lifetime_statistics);
  return o;
}

json::object ToJson(const Event& e) {
  json::object o{{"id", static_cast<int>(e.id)}, {"name", EventName(e.id)}, {"vm_name", e.vm_name},
                 {"time", ToUnixSeconds(e.time)}, {"message", e.message}};
  switch (e.id) {
    case EventId::kProtectionEnabled:
      break;
    case EventId::kStateChanged:
      o["state"] = ReplicationStateName(e.state);
      o["previous_state"] = ReplicationStateName(e.previous_state);
      break;
    case EventId::kHealthChanged:
      o["health"] = HealthName(e.health);
      o["previous_health"] = HealthName(e.previous_health);
      o["reason"] = e.reason;
      break;
    case EventId::kResyncRequired:
      o["reason"] = e.reason;
      o["next_attempt"] = TimeOrNull(e.next_attempt);
      break;
    case EventId::kRecoveryPointTaken:
      o["point_id"] = e.point_id;
      o["app_consistent"] = e.app_consistent;
      break;
    case EventId::kRetryScheduled:
      o["reason"] = e.reason;
      o["retries"] = e.retries;
      o["next_attempt"] = TimeOrNull(e.next_attempt);
      o["job_id"] = e.job_id;
      break;
    case EventId::kFailoverStepEnded:
      o["job_id"] = e.job_id;
      o["job_type"] = JobTypeName(e.job_type);
      o["step"] = e.step;
      o["reason"] = e.reason;
      break;
  }
  return o;
}

json::object ToJson(const FailoverVm& vm) {
  json::array disks;
  for (const FailoverDisk& d : vm.disks) {
    disks.push_back(json::object{{"name", d.name}, {"location", d.location}, {"virtual_size", d.virtual_size}});
  }
  json::object settings;
  for (const auto& [k, v] : vm.settings) settings[k] = v;
  return {{"vm_name", vm.vm_name},       {"point_id", vm.point_id}, {"point_time", ToUnixSeconds(vm.point_time)},
          {"app_consistent", vm.app_consistent}, {"test", vm.test},         {"planned", vm.planned},
          {"disks", disks},              {"settings", settings}};
}

json::object ToJson(const FailbackReport& report) {
  json::array disks;
  for (const FailbackDiskReport& d : report.disks) {
    disks.push_back(json::object{{"destination", d.destination},
                                 {"method", d.method},
                                 {"bytes_read", d.bytes_read},
                                 {"bytes_written", d.bytes_written}});
  }
  return {{"completed", report.completed}, {"disks", disks}};
}

json::object ToJson(const VerifyReport& report) {
  json::array disks;
  for (const DiskVerification& d : report.disks) {
    json::object o{{"source", d.source}, {"replica", d.replica}, {"identical", d.identical},
                   {"differing_bytes", d.differing_bytes}};
    o["first_difference"] = d.first_difference ? json::value(*d.first_difference) : json::value(nullptr);
    disks.push_back(std::move(o));
  }
  return {{"point", ToJson(report.point)}, {"identical", report.identical()}, {"disks", disks}};
}

json::object ToJson(const PlanOutcome& outcome) {
  json::array vms;
  for (const PlanVmOutcome& r : outcome.vms) {
    json::object o{{"group", r.group}, {"vm_name", r.vm_name}};
    o["result"] = r.result.ok() ? json::value(nullptr) : json::value(ErrorToJson(r.result.error()));
    o["vm"] = r.vm ? json::value(ToJson(*r.vm)) : json::value(nullptr);
    vms.push_back(std::move(o));
  }
  json::object o{{"succeeded", outcome.succeeded()}, {"groups_run", outcome.groups_run}, {"vms", vms}};
  o["first_error"] = outcome.first_error ? json::value(ErrorToJson(*outcome.first_error)) : json::value(nullptr);
  return o;
}


}  // namespace hvr
