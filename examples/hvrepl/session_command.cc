// hvrepl protect, run, resync, resume, status, jobs, points and verify: protecting VMs and
// replicating them (docs/session.md).
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <limits>
#include <thread>

#include "command.hpp"
#include "session/session_state.hpp"
#include "session_context.hpp"
#include "units.hpp"
#include "hvr/scheduler.hpp"
#include "store/time_text.hpp"

namespace hvrepl {
namespace {

namespace po = boost::program_options;
namespace json = boost::json;
using hvr::Session;

std::string Time(std::optional<hvr::TimePoint> t) {
  return t ? hvr::FormatSnapshotTime(*t).substr(0, 19) + "Z" : "-";
}

std::string Seconds(hvr::Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

int Protect(const std::vector<std::string>& args) {
  po::options_description named("protect options");
  named.add_options()
      ("name", po::value<std::string>()->required(), "the VM's name (valid as an Azure VM name)")
      ("disk", po::value<std::vector<std::string>>()->required(), "a virtual disk of the VM (repeat; OS disk first)")
      ("target", po::value<std::string>()->required(), "where the replicas go: connection string, container URL, absolute folder or file:PATH")
      ("state-dir", po::value<std::string>()->required(), "the relationship's state directory")
      ("interval", po::value<std::string>()->default_value("5m"), "replication frequency: 30s, 5m or 15m")
      ("keep-hours", po::value<int>()->default_value(24), "hours of recovery points to keep (0: the latest only)")
      ("app-consistent-hours", po::value<int>()->default_value(0), "hours between app-consistent points (0: none)")
      ("rpo-threshold", po::value<std::string>(), "health turns Warning past this RPO (default: three intervals)")
      ("host", po::value<std::string>()->default_value(""), "the VM's host: unix:SOCKET of a reference guest")
      ("chunk-size", po::value<std::string>(), "chunk size of the replica manifests (default 256K)")
      ("in-flight", po::value<int>()->default_value(8), "requests in flight (4 MiB each at most)")
      ("bandwidth", po::value<std::string>(), "bytes per second to send at most, e.g. 100M")
      ("ca-file", po::value<std::string>(), "PEM file of CA certificates to trust")
      ("insecure", po::bool_switch(), "do not verify the server's TLS certificate")
      ("proxy", po::value<std::string>(), "HTTP proxy URL (default: HTTPS_PROXY/HTTP_PROXY)")
      ("encryption-key-file", po::value<std::string>(), "customer-provided AES-256 key (32 bytes or 64 hex digits)")
      ("resync-by-hand", po::bool_switch(), "never resynchronise by itself (default: outside 08:00-18:00 on weekdays)")
      ("failover-setting", po::value<std::vector<std::string>>(), "KEY=VALUE for the VM made at failover (repeat)");
  const auto vm = ParseArguments(args, named);
  hvr::ProtectionSettings settings;
  settings.vm_name = vm["name"].as<std::string>();
  for (const auto& d : vm["disk"].as<std::vector<std::string>>()) settings.disks.push_back(hvr::DiskSpec{d, {}, {}, {}});
  settings.target = vm["target"].as<std::string>();
  auto interval = hvr::ParseInterval(vm["interval"].as<std::string>());
  if (!interval.ok()) return UsageError(interval.error().message());
  settings.interval = *interval;
  settings.recovery_history = std::chrono::hours(vm["keep-hours"].as<int>());
  settings.app_consistent_frequency = std::chrono::hours(vm["app-consistent-hours"].as<int>());
  if (vm.count("rpo-threshold")) {
    const auto rpo = ParseDuration(vm["rpo-threshold"].as<std::string>());
    if (!rpo.ok()) return UsageError("--rpo-threshold: " + rpo.error().message());
    settings.rpo_threshold = std::chrono::duration_cast<std::chrono::seconds>(*rpo);
  }
  if (vm.count("chunk-size")) {
    const auto size = ParseSize(vm["chunk-size"].as<std::string>());
    if (!size || *size > UINT32_MAX) return UsageError("--chunk-size: a size such as 256K");
    settings.chunk_size = static_cast<uint32_t>(*size);
  }
  settings.max_in_flight = vm["in-flight"].as<int>();
  if (hvr::Status valid = hvr::ValidateMaxInFlight(settings.max_in_flight); !valid.ok()) {
    return UsageError("--in-flight: " + valid.error().message());
  }
  if (vm.count("bandwidth")) {
    const auto rate = ParseSize(vm["bandwidth"].as<std::string>());
    if (!rate) return UsageError("--bandwidth: bytes per second, such as 100M");
    settings.bandwidth = hvr::BandwidthSchedule::Constant(*rate);
  }
  if (vm.count("ca-file")) settings.tls.ca_file = vm["ca-file"].as<std::string>();
  settings.tls.verify = !vm["insecure"].as<bool>();
  if (vm.count("proxy")) settings.proxy = vm["proxy"].as<std::string>();
  if (vm.count("encryption-key-file")) settings.encryption_key_file = vm["encryption-key-file"].as<std::string>();
  settings.resync.automatic = !vm["resync-by-hand"].as<bool>();
  if (vm.count("failover-setting")) {
    for (const auto& kv : vm["failover-setting"].as<std::vector<std::string>>()) {
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) return UsageError("--failover-setting: KEY=VALUE");
      settings.failover_vm[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
  auto context = SessionContext::Create();
  if (!context.ok()) return ReportError(context.error());
  const std::string dir = vm["state-dir"].as<std::string>();
  auto session = (*context)->Protect(dir, settings, vm["host"].as<std::string>(), false);
  if (!session.ok()) return ReportError(session.error());
  const hvr::SessionStatus status = (*session)->status();
  std::cout << "protected VM '" << status.vm_name << "' (" << status.vm_id.ToString() << ")\n"
            << "  target    " << status.target << "\n";
  for (const auto& d : status.disks) {
    std::cout << "  disk      " << d.source << " -> " << d.replica << " (" << HumanSize(d.virtual_size) << ")\n";
  }
  std::cout << "next: hvrepl run --state-dir " << dir << "\n";
  return 0;
}

// What the target's store went through, when it had to retry: requests, retries, busy
// answers and the requests it lets in flight now.
void PrintStoreStatistics(const hvr::SessionStatus& status) {
  const hvr::StoreStatistics& store = status.store;
  if (store.retries == 0 && store.failed_requests == 0) return;
  std::cout << status.vm_name << ": " << store.requests << " requests, " << store.retries
            << " tried again (" << store.throttled << " busy answers, " << store.network_failures
            << " network failures), " << store.failed_requests << " given up; " << store.in_flight_limit << " of "
            << store.max_in_flight << " requests in flight\n";
}

// Brings one VM up to date: initial replication or a due resync first, then `cycles`
// delta cycles, `every` apart. Returns the exit code of the last failure.
int RunCycles(Session& session, int cycles, std::chrono::milliseconds every, bool quiet) {
  const StopOnSignals& signals = Signals();
  int code = 0;
  const auto report = [&](const hvr::Status& s) {
    if (!s.ok()) code = ReportError(s.error());
    return s.ok();
  };
  const auto state = [&] { return session.status().state; };
  if (state() == hvr::ReplicationState::kEnabled || state() == hvr::ReplicationState::kInitialReplication) {
    if (!report(session.ReplicateInitially(signals.token()))) return code;
    if (!quiet) std::cout << session.status().vm_name << ": initial replication done, " << session.jobs().back().summary << "\n";
  }
  // A resync runs when started (and not finished), asked for by an operator, or in its
  // window; otherwise the VM waits for it.
  const auto due = session.NextDue();
  const bool resync_due = state() == hvr::ReplicationState::kResynchronizing ||
                          (state() == hvr::ReplicationState::kResyncRequired && due &&
                           *due <= std::chrono::system_clock::now());
  if (resync_due) {
    if (!report(session.Resynchronize(signals.token()))) return code;
    if (!quiet) std::cout << session.status().vm_name << ": resync done, " << session.jobs().back().summary << "\n";
  }
  if (state() == hvr::ReplicationState::kResyncRequired) {
    std::cerr << "hvrepl: " << session.status().vm_name << " waits for a resync (" << session.status().resync_reason
              << "): hvrepl resync --state-dir " << session.state_dir() << "\n";
    return 4;
  }
  for (int i = 0; i < cycles && !signals.stopped(); ++i) {
    if (i > 0 && every.count() > 0) signals.SleepFor(every);
    auto cycle = session.RunCycle(signals.token());
    if (!cycle.ok()) return ReportError(cycle.error());
    if (!quiet) {
      std::cout << session.status().vm_name << ": "
                << (cycle->shipped ? session.jobs().back().summary : std::string("no new logs")) << " ("
                << HumanSeconds(cycle->elapsed) << ")\n";
    }
  }
  if (!quiet) PrintStoreStatistics(session.status());
  return code;
}

int Run(const std::vector<std::string>& args) {
  po::options_description named("run options");
  named.add_options()
      ("state-dir", po::value<std::vector<std::string>>()->required(), "a VM's state directory (repeat for more VMs)")
      ("cycles", po::value<int>(), "run this many delta cycles, after initial replication if it is needed")
      ("every", po::value<std::string>()->default_value("0"), "with --cycles: time between cycles (e.g. 2s)")
      ("follow", po::bool_switch(), "replicate on the schedule until stopped (Ctrl+C)")
      ("quiet", po::bool_switch(), "print nothing but errors");
  const auto vm = ParseArguments(args, named);
  const bool follow = vm["follow"].as<bool>();
  if (follow == (vm.count("cycles") > 0)) return UsageError("run: give --cycles N or --follow");
  const auto every = ParseDuration(vm["every"].as<std::string>());
  if (!every.ok()) return UsageError("--every: " + every.error().message());
  const int cycles = follow ? 0 : vm["cycles"].as<int>();
  if (cycles < 0) {
    return UsageError("--cycles: " + std::to_string(cycles) + " is not a count from 0 to " +
                      std::to_string(std::numeric_limits<int>::max()));
  }
  const bool quiet = vm["quiet"].as<bool>();
  Signals();  // before any thread starts, so all of them leave the signals to it
  auto context = SessionContext::Create();
  if (!context.ok()) return ReportError(context.error());
  const auto dirs = vm["state-dir"].as<std::vector<std::string>>();
  std::vector<Session*> sessions;
  for (const auto& dir : dirs) {
    auto session = (*context)->Open(dir, false, !quiet && !follow && dirs.size() == 1);
    if (!session.ok()) return ReportError(session.error());
    sessions.push_back(*session);
  }
  if (follow) {
    hvr::Scheduler scheduler((*context)->engine());
    for (Session* s : sessions) scheduler.Add(*s);
    if (!quiet) std::cerr << "hvrepl: replicating " << sessions.size() << " VM(s); Ctrl+C stops\n";
    while (!Signals().stopped()) Signals().SleepFor(std::chrono::seconds(1));
    scheduler.Stop();
    return 0;
  }
  if (sessions.size() == 1) return RunCycles(*sessions[0], cycles, *every, quiet);
  // Several VMs at once, each on its own thread; the engine bounds how many do I/O.
  std::vector<int> codes(sessions.size(), 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < sessions.size(); ++i) {
    threads.emplace_back([&, i] { codes[i] = RunCycles(*sessions[i], cycles, *every, quiet); });
  }
  for (auto& t : threads) t.join();
  for (int c : codes) {
    if (c != 0) return c;
  }
  return 0;
}

int Resync(const std::vector<std::string>& args) {
  po::options_description named("resync options");
  named.add_options()
      ("state-dir", po::value<std::string>()->required(), "the VM's state directory")
      ("verify-replica", po::bool_switch(),
       "read the replicas instead of trusting what hvr recorded of them (after someone else wrote them)");
  const auto vm = ParseArguments(args, named);
  const std::string dir = vm["state-dir"].as<std::string>();
  hvr::ResyncOptions options;
  options.verify_replica = vm["verify-replica"].as<bool>();
  Signals();
  auto context = SessionContext::Create();
  if (!context.ok()) return ReportError(context.error());
  auto session = (*context)->Open(dir, false, true);
  if (!session.ok() && session.error().code() == hvr::Code::kConflict) {
    // A replication runs on this VM: leave it the request.
    auto reader = (*context)->Open(dir, true, false);
    if (!reader.ok()) return ReportError(reader.error());
    if (hvr::Status s = (*reader)->RequestResync("requested by an operator", options); !s.ok()) {
      return ReportError(s.error());
    }
    std::cout << "resync requested; the replication running on " << dir << " starts it\n";
    return 0;
  }
  if (!session.ok()) return ReportError(session.error());
  if (hvr::Status s = (*session)->Resynchronize(options, Signals().token()); !s.ok()) return ReportError(s.error());
  std::cout << (*session)->status().vm_name << ": resync done, " << (*session)->jobs().back().summary << "\n";
  return 0;
}

int Resume(const std::vector<std::string>& args) {
  po::options_description named("resume options");
  named.add_options()("state-dir", po::value<std::string>()->required(), "the VM's state directory");
  const auto vm = ParseArguments(args, named);
  return WithSession(vm["state-dir"].as<std::string>(), false, false, [&](hvr::Session& session) {
    if (hvr::Status s = session.ClearError(); !s.ok()) return ReportError(s.error());
    std::cout << session.status().vm_name << ": error cleared; replication is attempted again\n";
    return 0;
  });
}

// Status, jobs, points and verify open the VM read-only: another process may be
// replicating it.
int Status(const std::vector<std::string>& args) {
  po::options_description named("status options");
  named.add_options()("state-dir", po::value<std::string>()->required(), "the VM's state directory")(
      "json", po::bool_switch(), "print JSON");
  const auto vm = ParseArguments(args, named);
  return WithSession(vm["state-dir"].as<std::string>(), true, false, [&](hvr::Session& session) {
    const hvr::SessionStatus s = session.status();
    if (vm["json"].as<bool>()) {
      std::cout << json::serialize(hvr::ToJson(s)) << "\n";
      return 0;
    }
    char percent[16];
    std::snprintf(percent, sizeof percent, "%.1f%%", s.sync_percent);
    std::cout << "VM                " << s.vm_name << " (" << s.vm_id.ToString() << ")\n"
              << "target            " << s.target << "\n"
              << "state             " << hvr::ReplicationStateName(s.state) << "\n"
              << "health            " << hvr::HealthName(s.health) << "\n"
              << "synchronised      " << percent << "\n"
              << "last replicated   " << Time(s.last_replicated) << "\n"
              << "RPO               " << (s.rpo ? Seconds(*s.rpo) : "-") << "\n"
              << "recovery points   " << s.recovery_point_count << "\n"
              << "cycles            " << s.cycles << "\n"
              << "sent              " << HumanSize(s.bytes_sent) << "\n";
    if (!s.resync_reason.empty()) std::cout << "resync because    " << s.resync_reason << "\n";
    if (s.last_error) std::cout << "error             " << s.last_error->ToString() << "\n";
    if (s.failing_since) std::cout << "failing since     " << Time(s.failing_since) << "\n";
    std::cout << "next attempt      " << Time(s.next_attempt) << "\n";
    for (const auto& d : s.disks) {
      std::cout << "disk              " << d.source << " -> " << d.replica << ", " << HumanSize(d.virtual_size)
                << ", sent " << HumanSize(d.bytes_sent) << "\n";
    }
    return 0;
  });
}

int Jobs(const std::vector<std::string>& args) {
  po::options_description named("jobs options");
  named.add_options()("state-dir", po::value<std::string>()->required(), "the VM's state directory")(
      "json", po::bool_switch(), "print JSON")("steps", po::bool_switch(), "show each job's steps");
  const auto vm = ParseArguments(args, named);
  return WithSession(vm["state-dir"].as<std::string>(), true, false, [&](hvr::Session& session) {
    const auto jobs = session.jobs();
    if (vm["json"].as<bool>()) {
      json::array list;
      for (const auto& j : jobs) list.push_back(hvr::ToJson(j));
      std::cout << json::serialize(list) << "\n";
      return 0;
    }
    std::printf("%-24s %-22s %-12s %-20s %s\n", "ID", "TYPE", "STATE", "STARTED (UTC)", "SUMMARY");
    for (const auto& j : jobs) {
      const std::string summary = j.error ? j.error->ToString() : j.summary;
      std::printf("%-24s %-22s %-12s %-20s %s\n", j.id.c_str(), hvr::JobTypeName(j.type), hvr::JobStateName(j.state),
                  Time(j.started).c_str(), summary.c_str());
      if (!vm["steps"].as<bool>()) continue;
      for (const auto& step : j.steps) {
        std::printf("    %-10s %s%s%s\n", hvr::JobStateName(step.state), step.name.c_str(), step.message.empty() ? "" : ": ",
                    step.message.c_str());
      }
    }
    return 0;
  });
}

int Points(const std::vector<std::string>& args) {
  po::options_description named("points options");
  named.add_options()("state-dir", po::value<std::string>()->required(), "the VM's state directory")(
      "json", po::bool_switch(), "print JSON");
  const auto vm = ParseArguments(args, named);
  return WithSession(vm["state-dir"].as<std::string>(), true, false, [&](hvr::Session& session) {
    const auto points = session.recovery_points();
    if (vm["json"].as<bool>()) {
      json::array list;
      for (const auto& p : points) list.push_back(hvr::ToJson(p));
      std::cout << json::serialize(list) << "\n";
      return 0;
    }
    std::printf("%-8s %-21s %-21s %s\n", "ID", "SOURCE TIME (UTC)", "TAKEN (UTC)", "KIND");
    for (const auto& p : points) {
      std::printf("%-8s %-21s %-21s %s\n", p.id.c_str(), Time(p.source_time).c_str(), Time(p.created).c_str(),
                  p.app_consistent ? "app-consistent" : "crash-consistent");
    }
    return 0;
  });
}

int Verify(const std::vector<std::string>& args) {
  po::options_description named("verify options");
  named.add_options()("state-dir", po::value<std::string>()->required(), "the VM's state directory")(
      "point", po::value<std::string>()->default_value("latest"), "latest, latest-app-consistent, or a point's id")(
      "json", po::bool_switch(), "print JSON");
  const auto vm = ParseArguments(args, named);
  return WithSession(vm["state-dir"].as<std::string>(), true, false, [&](hvr::Session& session) {
    auto report = session.Verify(vm["point"].as<std::string>());
    if (!report.ok()) return ReportError(report.error());
    if (vm["json"].as<bool>()) {
      std::cout << json::serialize(hvr::ToJson(*report)) << "\n";
    } else {
      std::cout << "recovery point " << report->point.id << " (" << Time(report->point.source_time) << ")\n";
      for (const auto& d : report->disks) {
        std::cout << "  " << d.source << " vs " << d.replica << ": "
                  << (d.identical ? "identical" : "DIFFERS: " + HumanSize(d.differing_bytes) + " from offset " +
                                                      std::to_string(d.first_difference.value_or(0)))
                  << "\n";
      }
    }
    return report->identical() ? 0 : 1;
  });
}

}  // namespace

std::vector<Command> SessionCommands() {
  return {
      {{"protect"}, "--name VM --disk D [--disk ...] --target TARGET --state-dir DIR [--interval 30s|5m|15m] [--keep-hours N] [--host unix:SOCKET]",
       "enable protection: check the VM, create its replica disks, keep the relationship in DIR", Protect},
      {{"run"}, "--state-dir DIR [--state-dir ...] (--cycles N [--every 2s] | --follow)",
       "replicate: initial replication when needed, then delta cycles (or on the schedule with --follow)", Run},
      {{"resync"}, "--state-dir DIR [--verify-replica]",
       "resynchronise now (or ask the running replication to); --verify-replica reads the replicas", Resync},
      {{"resume"}, "--state-dir DIR", "clear a non-recoverable error once it is dealt with", Resume},
      {{"status"}, "--state-dir DIR [--json]", "health, state, RPO, recovery points, last error", Status},
      {{"jobs"}, "--state-dir DIR [--steps] [--json]", "the VM's recent jobs", Jobs},
      {{"points"}, "--state-dir DIR [--json]", "the VM's recovery points", Points},
      {{"verify"}, "--state-dir DIR [--point latest|latest-app-consistent|ID] [--json]",
       "compare a recovery point with the source disks as they are now, byte for byte", Verify},
  };
}

}  // namespace hvrepl
