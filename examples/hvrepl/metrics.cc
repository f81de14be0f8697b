#include "metrics.hpp"

#include <chrono>
#include <functional>
#include <sstream>

namespace hvrepl {
namespace {

double Seconds(hvr::Duration d) { return std::chrono::duration<double>(d).count(); }
double UnixSeconds(hvr::TimePoint t) { return static_cast<double>(hvr::ToUnixSeconds(t)); }

// Label values escape backslash, double quote and newline.
std::string Escaped(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// One metric family: its HELP and TYPE once, then a sample per VM (`value` returns false
// for a VM that has no such figure now, as the RPO before the first point).
class Family {
 public:
  Family(std::ostringstream& out, const std::vector<hvr::SessionStatus>& vms) : out_(out), vms_(vms) {}

  void Write(const char* name, const char* type, const char* help,
             const std::function<bool(const hvr::SessionStatus&, double&)>& value) {
    out_ << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
    for (const hvr::SessionStatus& vm : vms_) {
      double v = 0;
      if (value(vm, v)) out_ << name << "{vm=\"" << Escaped(vm.vm_name) << "\"} " << v << "\n";
    }
  }

 private:
  std::ostringstream& out_;
  const std::vector<hvr::SessionStatus>& vms_;
};

}  // namespace

std::string PrometheusText(const std::vector<hvr::SessionStatus>& vms) {
  std::ostringstream out;
  out.precision(17);
  Family f(out, vms);
  using S = const hvr::SessionStatus&;
  // Counters since protection: a reset of the statistics does not make them go back.
  const auto counter = [&](const char* name, const char* help, uint64_t hvr::ReplicationStatistics::*field) {
    f.Write(name, "counter", help, [field](S vm, double& v) {
      v = static_cast<double>(vm.lifetime_statistics.*field);
      return true;
    });
  };
  f.Write("hvr_health", "gauge", "Health of the VM's replication: 0 normal, 1 warning, 2 critical.",
          [](S vm, double& v) { return v = static_cast<int>(vm.health), true; });
  out << "# HELP hvr_replication_state The VM's replication state: 1 for the state it is in.\n"
      << "# TYPE hvr_replication_state gauge\n";
  for (const hvr::SessionStatus& vm : vms) {
    for (int st = 0; st <= static_cast<int>(hvr::ReplicationState::kFailingOver); ++st) {
      const auto state = static_cast<hvr::ReplicationState>(st);
      out << "hvr_replication_state{vm=\"" << Escaped(vm.vm_name) << "\",state=\"" << hvr::ReplicationStateName(state)
          << "\"} " << (vm.state == state ? 1 : 0) << "\n";
    }
  }
  f.Write("hvr_rpo_seconds", "gauge", "Time since the moment the newest recovery point holds.",
          [](S vm, double& v) { return vm.rpo ? (v = Seconds(*vm.rpo), true) : false; });
  f.Write("hvr_last_replicated_timestamp_seconds", "gauge", "The moment the newest recovery point holds (Unix time).",
          [](S vm, double& v) { return vm.last_replicated ? (v = UnixSeconds(*vm.last_replicated), true) : false; });
  f.Write("hvr_recovery_points", "gauge", "Recovery points kept.",
          [](S vm, double& v) { return v = static_cast<double>(vm.recovery_point_count), true; });
  f.Write("hvr_sync_ratio", "gauge", "Initial replication or resync: the part of the disks examined (0 to 1).",
          [](S vm, double& v) { return v = vm.sync_percent / 100.0, true; });
  f.Write("hvr_pending_bytes", "gauge", "Logged and not yet sent, at the last look.",
          [](S vm, double& v) { return v = static_cast<double>(vm.pending_bytes), true; });
  f.Write("hvr_next_attempt_timestamp_seconds", "gauge",
          "When replication next runs by itself: the schedule, a resync window or a retry (Unix time).",
          [](S vm, double& v) { return vm.next_attempt ? (v = UnixSeconds(*vm.next_attempt), true) : false; });
  f.Write("hvr_failing_since_timestamp_seconds", "gauge", "Start of the current run of failed attempts (Unix time).",
          [](S vm, double& v) { return vm.failing_since ? (v = UnixSeconds(*vm.failing_since), true) : false; });
  f.Write("hvr_retries", "gauge", "Failed attempts after the first in the current run of failures.",
          [](S vm, double& v) { return v = vm.retries, true; });
  counter("hvr_cycles_successful_total", "Delta cycles that completed, since protection.",
          &hvr::ReplicationStatistics::successful_cycles);
  counter("hvr_cycles_missed_total", "Intervals that passed without a cycle starting, since protection.",
          &hvr::ReplicationStatistics::missed_cycles);
  counter("hvr_cycles_failed_total", "Replication attempts that failed after their retries, since protection.",
          &hvr::ReplicationStatistics::failed_cycles);
  counter("hvr_network_failures_total", "Attempts that failed on the network, since protection.",
          &hvr::ReplicationStatistics::network_failures);
  counter("hvr_app_consistent_failures_total",
          "Application-consistent points due whose guest could not be quiesced, since protection.",
          &hvr::ReplicationStatistics::app_consistent_failures);
  counter("hvr_resyncs_total", "Resyncs that completed, since protection.", &hvr::ReplicationStatistics::resyncs);
  counter("hvr_resync_sent_bytes_total", "Bytes resyncs sent, since protection.",
          &hvr::ReplicationStatistics::resync_bytes);
  counter("hvr_sent_bytes_total", "Bytes sent by cycles, initial replication and resyncs, since protection.",
          &hvr::ReplicationStatistics::bytes_sent);
  f.Write("hvr_cycle_average_bytes", "gauge", "Average bytes sent by a cycle that took a point, since protection.",
          [](S vm, double& v) { return v = static_cast<double>(vm.lifetime_statistics.average_cycle_bytes()), true; });
  f.Write("hvr_cycle_max_bytes", "gauge", "Most bytes a cycle that took a point sent, since protection.",
          [](S vm, double& v) { return v = static_cast<double>(vm.lifetime_statistics.cycle_bytes_max), true; });
  f.Write("hvr_cycle_latency_average_seconds", "gauge", "Average time from a cycle's start to its point.",
          [](S vm, double& v) { return v = Seconds(vm.lifetime_statistics.average_latency()), true; });
  f.Write("hvr_cycle_latency_max_seconds", "gauge", "Longest time from a cycle's start to its point.",
          [](S vm, double& v) { return v = Seconds(vm.lifetime_statistics.latency_max), true; });
  f.Write("hvr_last_cycle_duration_seconds", "gauge", "How long the last cycle that completed took.",
          [](S vm, double& v) {
            const auto& d = vm.lifetime_statistics.last_cycle_duration;
            return d ? (v = Seconds(*d), true) : false;
          });
  return out.str();
}

}  // namespace hvrepl
