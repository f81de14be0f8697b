// hvrepl protect, run, resync, status, jobs, points and verify: protecting VMs and
// replicating them (docs/session.md).
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>
#include <thread>

#include "arguments.hpp"
#include "command.hpp"
#include "follow_log.hpp"
#include "metrics.hpp"
#include "metrics_server.hpp"
#include "session/status_json.hpp"
#include "session_context.hpp"
#include "store_arguments.hpp"
#include "units.hpp"
#include "hvr/engine.hpp"
#include "hvr/manifest.hpp"
#include "hvr/scheduler.hpp"
#include "hvr/session.hpp"
#include "store/time_text.hpp"
#include "util/file.hpp"

namespace hvrepl {
namespace {

namespace json = boost::json;
using hvr::Session;

std::string Time(std::optional<hvr::TimePoint> t) {
  return t ? hvr::FormatUtcSeconds(*t) : "-";
}

std::string Seconds(hvr::Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

// What protect and adopt print of the VM they established.
void PrintRelationship(const char* what, const std::string& dir, const hvr::SessionStatus& status) {
  std::cout << what << " VM '" << status.vm_name << "' (" << status.vm_id.ToString() << ")\n"
            << "  target    " << status.target << "\n";
  for (const auto& d : status.disks) {
    std::cout << "  disk      " << d.source << " -> " << d.replica << " (" << HumanSize(d.virtual_size) << ")\n";
  }
  if (status.recovery_point_count > 0) {
    std::cout << "  points    " << status.recovery_point_count << ", the newest " << status.latest_point->id << " of "
              << Time(status.last_replicated) << "\n";
  }
  if (!status.resync_reason.empty()) std::cout << "  resync    " << status.resync_reason << "\n";
  std::cout << "next: hvrepl run --state-dir " << dir << "\n";
}

// What protect takes beside the settings it fills in directly.
struct ProtectArgs {
  hvr::ProtectionSettings settings;  // the library's defaults until options say otherwise
  std::string state_dir;
  std::string host;
  std::vector<std::string> disks;
  StoreArgs store;
  int keep_hours = static_cast<int>(settings.recovery_history.count());
  int app_consistent_hours = static_cast<int>(settings.app_consistent_frequency.count());
  std::optional<std::chrono::milliseconds> rpo_threshold;
  std::optional<uint32_t> chunk_size;
  std::optional<std::string> encryption_key_file;
  bool resync_by_hand = false;
  hvr::ProtectOptions protect;
  hvr::AdoptOptions adopt;
  std::vector<std::string> failover_settings;

  hvr::ProtectionSettings Settings() const {
    hvr::ProtectionSettings s = settings;
    for (const auto& d : disks) s.disks.push_back(hvr::DiskSpec{d, {}, {}, {}});
    s.recovery_history = std::chrono::hours(keep_hours);
    s.app_consistent_frequency = std::chrono::hours(app_consistent_hours);
    if (rpo_threshold) s.rpo_threshold = std::chrono::duration_cast<std::chrono::seconds>(*rpo_threshold);
    if (chunk_size) s.chunk_size = *chunk_size;
    s.max_in_flight = store.in_flight;
    if (store.bandwidth) s.bandwidth = hvr::BandwidthSchedule::Constant(*store.bandwidth);
    s.link = store.Link();
    if (store.ca_file) s.tls.ca_file = *store.ca_file;
    s.tls.verify = !store.insecure;
    s.proxy = store.proxy;
    if (encryption_key_file) s.encryption_key_file = *encryption_key_file;
    s.resync.automatic = !resync_by_hand;
    for (const auto& kv : failover_settings) {
      const auto eq = kv.find('=');
      s.failover_vm[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return s;
  }
};

hvr::Status CheckKeyValue(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return hvr::Error(hvr::Code::kInvalidArgument, "'" + text + "' is not KEY=VALUE");
  }
  return hvr::Ok();
}

// The options protect and adopt share: the VM, its disks, the target and the settings.
void AddProtectionArgs(CLI::App& app, const std::shared_ptr<ProtectArgs>& a) {
  using hvr::ReplicationInterval;
  AddText(app, "--name", a->settings.vm_name, "the VM's name, valid as an Azure VM name", "VM")->required();
  AddRepeated(app, "--disk", a->disks, "a virtual disk of the VM: VHDX, VHD or raw (the OS disk first)", "PATH")
      ->required();
  AddText(app, "--target", a->settings.target,
          "where the replicas go: connection string, container URL, absolute folder or file:PATH", "TARGET")
      ->required();
  AddText(app, "--state-dir", a->state_dir, "the relationship's state directory, made here", "DIR")->required();
  AddParsed(app, "--interval", a->settings.interval, hvr::ParseInterval, "replication frequency",
            std::string(hvr::IntervalName(ReplicationInterval::k30Seconds)) + "|" +
                hvr::IntervalName(ReplicationInterval::k5Minutes) + "|" +
                hvr::IntervalName(ReplicationInterval::k15Minutes))
      ->default_str(hvr::IntervalName(a->settings.interval));
  AddCount(app, "--keep-hours", a->keep_hours, "hours of recovery points to keep, 0 (the latest only) to 360");
  AddCount(app, "--app-consistent-hours", a->app_consistent_hours,
           "hours between app-consistent points, 0 (none) to 12 and at most --keep-hours");
  AddDuration(app, "--rpo-threshold", a->rpo_threshold,
              "health turns Warning when the newest point is older than this, at most 30 days (default: three "
              "intervals)");
  AddText(app, "--host", a->host,
          "the VM's host: unix:SOCKET of a reference guest (default: none, nothing writes the disks)", "unix:SOCKET");
  AddSize(app, "--chunk-size", a->chunk_size,
          "chunk size of the replica manifests, a power of two from " + SizeText(hvr::kMinChunkSize) + " to " +
              SizeText(hvr::kMaxChunkSize) + " (default: " + SizeText(hvr::kDefaultChunkSize) + ")")
      ->check(CheckWith([](const std::string& bytes) { return hvr::ValidateChunkSize(std::stoull(bytes)); }));
  a->store.in_flight = a->settings.max_in_flight;
  AddStoreArgs(app, a->store);
  AddText(app, "--encryption-key-file", a->encryption_key_file,
          "customer-provided AES-256 key for Azure to encrypt the replicas with: 32 bytes or 64 hex digits", "FILE");
  app.add_flag("--resync-by-hand", a->resync_by_hand,
               "never resynchronize by itself (default: outside 08:00-18:00 on weekdays)");
  AddRepeated(app, "--failover-setting", a->failover_settings,
              "a setting of the VM made at failover, handed to the host", "KEY=VALUE")
      ->check(CheckWith(CheckKeyValue));
}

Runner Protect(CLI::App& app) {
  auto a = std::make_shared<ProtectArgs>();
  AddProtectionArgs(app, a);
  app.add_flag("--seed", a->protect.seed,
               "the target already holds a copy of each disk under its replica's name (hvrepl upload): compare it "
               "and send only what differs (default: such a disk is refused)");
  return [a] {
    auto context = SessionContext::Create();
    if (!context.ok()) return ReportError(context.error());
    auto session = (*context)->Protect(a->state_dir, a->Settings(), a->host, false, a->protect);
    if (!session.ok()) return ReportError(session.error());
    PrintRelationship("protected", a->state_dir, (*session)->status());
    return 0;
  };
}

Runner Adopt(CLI::App& app) {
  auto a = std::make_shared<ProtectArgs>();
  AddProtectionArgs(app, a);
  app.add_flag("--resync", a->adopt.resync,
               "resynchronize (compare the replicas, send what differs) even when the logs since the last "
               "applied one are all there");
  return [a] {
    auto context = SessionContext::Create();
    if (!context.ok()) return ReportError(context.error());
    auto session = (*context)->Adopt(a->state_dir, a->Settings(), a->host, false, a->adopt);
    if (!session.ok()) return ReportError(session.error());
    PrintRelationship("adopted", a->state_dir, (*session)->status());
    return 0;
  };
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
// delta cycles, `every` apart; nothing while it is suspended. Returns the exit code of
// the last failure.
int RunCycles(Session& session, int cycles, std::chrono::milliseconds every, bool quiet) {
  const StopOnSignals& signals = Signals();
  int code = 0;
  const auto report = [&](const hvr::Status& s) {
    if (!s.ok()) code = ReportError(s.error());
    return s.ok();
  };
  const auto state = [&] { return session.status().state; };
  // An operator suspended it: skipped, which is what was asked.
  if (const auto suspended = session.status().suspended_since) {
    std::cout << session.status().vm_name << ": suspended since " << Time(suspended)
              << ", skipped (hvrepl resume --state-dir " << session.state_dir() << ")\n";
    return 0;
  }
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
    // What an operator asked meanwhile (hvrepl set, suspend, unprotect) comes first.
    auto served = session.ServeRequests();
    if (!served.ok()) return ReportError(served.error());
    if (session.removed()) {
      std::cout << session.status().vm_name << ": protection removed (hvrepl unprotect); the remaining cycles are "
                << "not run\n";
      return 0;
    }
    if (session.status().suspended_since) {
      std::cout << session.status().vm_name << ": suspended (hvrepl suspend); the remaining cycles are not run\n";
      return 0;
    }
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

struct RunArgs {
  std::vector<std::string> state_dirs;
  std::optional<int> cycles;
  std::chrono::milliseconds every{0};
  bool follow = false;
  bool json = false;
  std::string metrics_listen;
  std::string metrics_file;
  bool quiet = false;
};

// What --follow does until Ctrl+C: the scheduler runs the sessions; the metrics are
// served and written, when asked, every second.
int Follow(hvr::Engine& engine, const std::vector<Session*>& sessions, const RunArgs& args) {
  const auto metrics = [&sessions] {
    std::vector<hvr::SessionStatus> vms;
    for (const Session* s : sessions) vms.push_back(s->status());
    return PrometheusText(vms);
  };
  std::unique_ptr<MetricsServer> server;
  if (!args.metrics_listen.empty()) {
    auto started = MetricsServer::Start(args.metrics_listen, metrics);
    if (!started.ok()) return ReportError(started.error());
    server = std::move(*started);
    std::cerr << "hvrepl: metrics on port " << server->port() << "\n";
  }
  hvr::Scheduler scheduler(engine);
  for (Session* s : sessions) scheduler.Add(*s);
  if (!args.quiet) std::cerr << "hvrepl: replicating " << sessions.size() << " VM(s); Ctrl+C stops\n";
  std::vector<const Session*> running(sessions.begin(), sessions.end());
  while (!Signals().stopped()) {
    // An operator removed a VM's protection (hvrepl unprotect): it is no longer run.
    for (Session* s : sessions) {
      const auto it = std::find(running.begin(), running.end(), s);
      if (it == running.end() || !s->removed()) continue;
      scheduler.Remove(*s);
      running.erase(it);
      std::cout << s->status().vm_name << ": protection removed (hvrepl unprotect); no longer replicated" << std::endl;
    }
    if (running.empty()) {
      std::cerr << "hvrepl: no VM left to replicate; stopping\n";
      break;
    }
    if (!args.metrics_file.empty()) {
      // For node_exporter's textfile collector, which must never read half a file.
      if (hvr::Status s = hvr::WriteFileAtomically(args.metrics_file, metrics()); !s.ok()) {
        std::cerr << "hvrepl: --metrics-file: " << s.error().ToString() << "\n";
      }
    }
    Signals().SleepFor(std::chrono::seconds(1));
  }
  scheduler.Stop();
  return 0;
}

int Replicate(const RunArgs& args) {
  if (args.follow == args.cycles.has_value()) return UsageError("run: give --cycles N or --follow");
  const bool follow = args.follow;
  const int cycles = args.cycles.value_or(0);
  const auto every = args.every;
  const bool quiet = args.quiet;
  Signals();  // before any thread starts, so all of them leave the signals to it
  auto context = SessionContext::Create();
  if (!context.ok()) return ReportError(context.error());
  const auto& dirs = args.state_dirs;
  FollowLog follow_log(std::cout, args.json);
  if (follow && !quiet) {
    (*context)->Observe([&](const hvr::Event& e) { follow_log.Event(e); },
                        [&](const hvr::Job& job) { follow_log.JobEnded(job); });
  }
  std::vector<Session*> sessions;
  for (const auto& dir : dirs) {
    auto session = (*context)->Open(dir, false, !quiet && !follow && dirs.size() == 1);
    if (!session.ok()) return ReportError(session.error());
    sessions.push_back(*session);
  }
  if (follow) return Follow((*context)->engine(), sessions, args);
  if (sessions.size() == 1) return RunCycles(*sessions[0], cycles, every, quiet);
  // Several VMs at once, each on its own thread; the engine bounds how many do I/O.
  std::vector<int> codes(sessions.size(), 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < sessions.size(); ++i) {
    threads.emplace_back([&, i] { codes[i] = RunCycles(*sessions[i], cycles, every, quiet); });
  }
  for (auto& t : threads) t.join();
  for (int c : codes) {
    if (c != 0) return c;
  }
  return 0;
}

Runner Run(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  AddRepeated(app, "--state-dir", a->state_dirs, "a VM's state directory", "DIR")->required();
  CLI::Option* cycles = AddCount(app, "--cycles", a->cycles,
                                 "run this many delta cycles, after initial replication or a resync if one is due",
                                 0);
  AddDuration(app, "--every", a->every, "with --cycles: the time between cycles");
  app.add_flag("--follow", a->follow, "replicate on each VM's schedule until stopped (Ctrl+C)")->excludes(cycles);
  app.add_flag("--json", a->json, "with --follow: each job's end and each event as a line of JSON")->needs("--follow");
  app.add_option("--metrics-listen", a->metrics_listen,
                 "with --follow: serve the VMs' metrics in Prometheus' format over HTTP at ADDRESS:PORT")
      ->type_name("ADDRESS:PORT")
      ->needs("--follow");
  app.add_option("--metrics-file", a->metrics_file,
                 "with --follow: write the metrics to PATH every second, replacing it atomically (for "
                 "node_exporter's textfile collector)")
      ->type_name("PATH")
      ->needs("--follow");
  app.add_flag("--quiet", a->quiet, "print nothing but errors");
  return [a] { return Replicate(*a); };
}

int ResyncVm(const std::string& dir, const hvr::ResyncOptions& options) {
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

Runner Resync(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto options = std::make_shared<hvr::ResyncOptions>();
  AddStateDir(app, *dir);
  app.add_flag("--verify-replica", options->verify_replica,
               "read the replicas instead of trusting what hvr recorded of them (after someone else wrote them)");
  return [dir, options] { return ResyncVm(*dir, *options); };
}

// Status, jobs, points and verify open the VM read-only: another process may be
// replicating it. They take its state directory and --json, and show it with `show`.
Runner ReadVm(CLI::App& app, std::function<int(hvr::Session& session, bool json)> show) {
  struct Args {
    std::string state_dir;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  AddStateDir(app, a->state_dir);
  app.add_flag("--json", a->json, "print JSON");
  return [a, show] {
    return WithSession(a->state_dir, true, false, [&](hvr::Session& session) { return show(session, a->json); });
  };
}

// "12.0 MiB of 48.0 MiB (25%), 2.0 MiB/s, 18 s left": where a running job's step stands.
std::string ProgressText(const hvr::JobProgress& p) {
  if (p.total == 0) return "-";
  char percent[16];
  std::snprintf(percent, sizeof percent, "%.0f%%", 100.0 * static_cast<double>(p.done) / static_cast<double>(p.total));
  std::string text = HumanSize(p.done) + " of " + HumanSize(p.total) + " (" + percent + ")";
  if (p.bytes_per_second > 0) text += ", " + HumanRate(p.bytes_per_second, std::chrono::seconds(1));
  if (p.time_left) text += ", " + Seconds(*p.time_left) + " left";
  return text;
}

std::string StatusText(const hvr::SessionStatus& s) {
  char percent[16];
  std::snprintf(percent, sizeof percent, "%.1f%%", s.sync_percent);
  std::ostringstream out;
  out << "VM                " << s.vm_name << " (" << s.vm_id.ToString() << ")\n"
      << "target            " << s.target << "\n"
      << "state             " << hvr::ReplicationStateName(s.state)
      << (s.suspended_since ? ", suspended since " + Time(s.suspended_since) : std::string()) << "\n"
      << "health            " << hvr::HealthName(s.health)
      << (s.health_reason.empty() ? std::string() : ": " + s.health_reason) << "\n"
      << "synchronised      " << percent << "\n"
      << "last replicated   " << Time(s.last_replicated) << "\n"
      << "RPO               " << (s.rpo ? Seconds(*s.rpo) : "-") << "\n"
      << "recovery points   " << s.recovery_point_count << "\n"
      << "cycles            " << s.cycles << "\n"
      << "sent              " << HumanSize(s.bytes_sent) << "\n";
  if (s.progress) {
    out << "running           " << hvr::JobTypeName(s.progress->type) << " " << s.progress->job_id << "\n"
        << "step              " << s.progress->step << "\n"
        << "progress          " << ProgressText(*s.progress) << "\n";
  }
  if (!s.resync_reason.empty()) out << "resync because    " << s.resync_reason << "\n";
  if (s.last_error) out << "error             " << s.last_error->ToString() << "\n";
  if (s.failing_since) out << "failing since     " << Time(s.failing_since) << "\n";
  out << "next attempt      " << Time(s.next_attempt) << "\n";
  for (const auto& d : s.disks) {
    out << "disk              " << d.source << " -> " << d.replica << ", " << HumanSize(d.virtual_size) << ", sent "
        << HumanSize(d.bytes_sent) << "\n";
  }
  return out.str();
}

int ShowStatus(hvr::Session& session, bool as_json) {
  const hvr::SessionStatus s = session.status();
  if (as_json) {
    std::cout << json::serialize(hvr::ToJson(s)) << "\n";
  } else {
    std::cout << StatusText(s);
  }
  return 0;
}

// status --watch: the status again every second until no job runs (or Ctrl+C); on a
// terminal each one replaces the last in place, elsewhere they follow one another.
int WatchStatus(hvr::Session& session, bool as_json) {
  const bool in_place = !as_json && ProgressBar::StdoutIsTerminal();
  size_t lines_shown = 0;
  for (;;) {
    const hvr::SessionStatus s = session.status();
    if (as_json) {
      std::cout << json::serialize(hvr::ToJson(s)) << "\n";
    } else {
      const std::string text = StatusText(s);
      // Up over what was drawn, then clear to the end of the screen.
      if (in_place && lines_shown > 0) std::cout << "\x1b[" << lines_shown << "A\x1b[J";
      std::cout << text;
      lines_shown = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    }
    std::cout.flush();
    if (!s.progress || Signals().stopped()) return 0;
    Signals().SleepFor(std::chrono::seconds(1));
  }
}

Runner Status(CLI::App& app) {
  auto watch = std::make_shared<bool>(false);
  Runner run = ReadVm(app, [watch](hvr::Session& session, bool json) {
    return *watch ? WatchStatus(session, json) : ShowStatus(session, json);
  });
  app.add_flag("--watch", *watch,
               "show the status again every second until the running job ends, redrawn in place on a terminal");
  return run;
}

// hvrepl stats: the statistics since the last reset beside those since protection,
// with Measure-VMReplication's names where they mean the same.
int ShowStatistics(hvr::Session& session, bool as_json) {
  const hvr::SessionStatus s = session.status();
  if (as_json) {
    std::cout << json::serialize(json::object{{"vm_name", s.vm_name},
                                              {"pending_bytes", s.pending_bytes},
                                              {"statistics", hvr::ToJson(s.statistics)},
                                              {"lifetime_statistics", hvr::ToJson(s.lifetime_statistics)}})
              << "\n";
    return 0;
  }
  const hvr::ReplicationStatistics& r = s.statistics;
  const hvr::ReplicationStatistics& l = s.lifetime_statistics;
  const auto row = [](const char* name, const std::string& since_reset, const std::string& since_protection) {
    std::printf("%-28s %-22s %s\n", name, since_reset.c_str(), since_protection.c_str());
  };
  const auto count = [](uint64_t n) { return std::to_string(n); };
  const auto ms = [](hvr::Duration d) {
    return HumanSeconds(std::chrono::duration_cast<std::chrono::nanoseconds>(d));
  };
  std::printf("%s: pending %s\n", s.vm_name.c_str(), HumanSize(s.pending_bytes).c_str());
  row("", "SINCE RESET", "SINCE PROTECTION");
  row("since (UTC)", Time(r.since), Time(l.since));
  row("SuccessfulReplicationCount", count(r.successful_cycles), count(l.successful_cycles));
  row("MissedReplicationCount", count(r.missed_cycles), count(l.missed_cycles));
  row("ReplicationFailureCount", count(r.failed_cycles), count(l.failed_cycles));
  row("NetworkFailureCount", count(r.network_failures), count(l.network_failures));
  row("AppConsistencyFailures", count(r.app_consistent_failures), count(l.app_consistent_failures));
  row("AverageReplicationSize", HumanSize(r.average_cycle_bytes()), HumanSize(l.average_cycle_bytes()));
  row("MaximumReplicationSize", HumanSize(r.cycle_bytes_max), HumanSize(l.cycle_bytes_max));
  row("AverageReplicationLatency", ms(r.average_latency()), ms(l.average_latency()));
  row("MaximumReplicationLatency", ms(r.latency_max), ms(l.latency_max));
  row("ResynchronizationCount", count(r.resyncs), count(l.resyncs));
  row("ResynchronizedBytes", HumanSize(r.resync_bytes), HumanSize(l.resync_bytes));
  row("BytesSent", HumanSize(r.bytes_sent), HumanSize(l.bytes_sent));
  row("LastCycleDuration", r.last_cycle_duration ? ms(*r.last_cycle_duration) : "-",
      l.last_cycle_duration ? ms(*l.last_cycle_duration) : "-");
  return 0;
}

// stats --reset: directly when no process replicates the VM, or asking the one that does
// (it resets at its next turn).
int ResetStatistics(const std::string& state_dir, bool as_json) {
  auto context = SessionContext::Create();
  if (!context.ok()) return ReportError(context.error());
  auto session = (*context)->Open(state_dir, false, false);
  const bool elsewhere = !session.ok() && session.error().code() == hvr::Code::kConflict;
  if (elsewhere) session = (*context)->Open(state_dir, true, false);
  if (!session.ok()) return ReportError(session.error());
  if (auto reset = (*session)->ResetStatistics(); !reset.ok()) return ReportError(reset.error());
  if (elsewhere) {
    std::cerr << "hvrepl: the process replicating " << (*session)->status().vm_name
              << " resets its statistics at its next turn\n";
    return 0;
  }
  return ShowStatistics(**session, as_json);
}

Runner Stats(CLI::App& app) {
  struct Args {
    std::string state_dir;
    bool json = false;
    bool reset = false;
  };
  auto a = std::make_shared<Args>();
  AddStateDir(app, a->state_dir);
  app.add_flag("--json", a->json, "print JSON");
  app.add_flag("--reset", a->reset, "start the statistics since the last reset again (those since protection stay)");
  return [a] {
    if (a->reset) return ResetStatistics(a->state_dir, a->json);
    return WithSession(a->state_dir, true, false, [&](hvr::Session& session) { return ShowStatistics(session, a->json); });
  };
}

int ShowJobs(hvr::Session& session, bool as_json, bool steps) {
  const auto jobs = session.jobs();
  if (as_json) {
    json::array list;
    for (const auto& j : jobs) list.push_back(hvr::ToJson(j));
    std::cout << json::serialize(list) << "\n";
    return 0;
  }
  const auto progress = session.progress();
  std::printf("%-24s %-22s %-12s %-20s %s\n", "ID", "TYPE", "STATE", "STARTED (UTC)", "SUMMARY");
  for (const auto& j : jobs) {
    std::string summary = j.error ? j.error->ToString() : j.summary;
    if (progress && progress->job_id == j.id) summary = progress->step + ": " + ProgressText(*progress);
    std::printf("%-24s %-22s %-12s %-20s %s\n", j.id.c_str(), hvr::JobTypeName(j.type), hvr::JobStateName(j.state),
                Time(j.started).c_str(), summary.c_str());
    if (!steps) continue;
    for (const auto& step : j.steps) {
      const std::string bytes = step.progress_total == 0 ? std::string()
                                                          : " [" + HumanSize(step.progress_done) + " of " +
                                                                HumanSize(step.progress_total) + "]";
      std::printf("    %-10s %s%s%s%s\n", hvr::JobStateName(step.state), step.name.c_str(), bytes.c_str(),
                  step.message.empty() ? "" : ": ", step.message.c_str());
    }
  }
  return 0;
}

Runner Jobs(CLI::App& app) {
  auto steps = std::make_shared<bool>(false);
  Runner run = ReadVm(app, [steps](hvr::Session& session, bool json) { return ShowJobs(session, json, *steps); });
  app.add_flag("--steps", *steps, "show each job's steps");
  return run;
}

int ShowPoints(hvr::Session& session, bool as_json) {
  const auto points = session.recovery_points();
  if (as_json) {
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
}

int VerifyPoint(hvr::Session& session, const std::string& point, bool as_json) {
  auto report = session.Verify(point);
  if (!report.ok()) return ReportError(report.error());
  if (as_json) {
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
}

Runner Verify(CLI::App& app) {
  auto point = std::make_shared<std::string>("latest");
  Runner run =
      ReadVm(app, [point](hvr::Session& session, bool json) { return VerifyPoint(session, *point, json); });
  AddPoint(app, *point);
  return run;
}

}  // namespace

std::vector<Command> SessionCommands() {
  return {
      {.words = {"protect"},
       .summary = "enable protection: check the VM, create its replica disks, keep the relationship in DIR",
       .description = "Enables protection of a VM, as Hyper-V's Enable-VMReplication does: checks its name and "
                      "disks against Azure's limits and the target's reachability and permissions (a SAS must "
                      "grant sp=racwdl), creates one replica disk per source disk in the target, and keeps the "
                      "relationship with its settings in the state directory, which every other command of this "
                      "VM names. Nothing is copied yet: run does that. With --seed, disks the target already holds "
                      "under the replicas' names (copies made by upload) are compared and only what differs is "
                      "sent; without it they are refused.",
       .examples = {{"--name sql01 --disk /vms/sql01/os.vhdx --disk /vms/sql01/data.vhdx "
                     "--target 'UseDevelopmentStorage=true;Container=replicas' --state-dir /var/lib/hvr/sql01",
                     ""},
                    {"--name web01 --disk /vms/web01/os.vhdx --target file:/srv/replicas "
                     "--state-dir /var/lib/hvr/web01 --interval 30s --keep-hours 24 --app-consistent-hours 1 "
                     "--bandwidth 20M --host unix:/run/web01.sock",
                     "every 30 seconds, an app-consistent point every hour, at most 20 MiB/s"}},
       .declare = Protect},
      {.words = {"adopt"},
       .summary = "take a protected VM over from what its replicas hold, into a new state directory",
       .description = "Takes over the protection of a VM from its replicas, after its state directory was lost "
                      "or on another host after a host loss or a live migration: name the VM, every one of its "
                      "disks, the target and the settings as for protect, and a new state directory. The "
                      "replicas' metadata must show they are that VM's (an error names the disk and the field "
                      "otherwise, and nothing is written); their recovery points are kept. The replicas' leases "
                      "are taken, and the agent that replicated them before never writes them again. Replication "
                      "continues with delta cycles when the logs since the last applied one are all there, "
                      "otherwise with a resync that sends only the chunks that differ, never a full copy. Run "
                      "again after a crash, it finishes (docs/session.md \"Adopt\").",
       .examples = {{"--name sql01 --disk /vms/sql01/os.vhdx --disk /vms/sql01/data.vhdx "
                     "--target 'UseDevelopmentStorage=true;Container=replicas' --state-dir /var/lib/hvr/sql01",
                     "after /var/lib/hvr/sql01 was lost, or on the host the VM moved to"},
                    {"--name web01 --disk /vms/web01/os.vhdx --target file:/srv/replicas "
                     "--state-dir /var/lib/hvr/web01 --resync",
                     "compare the replicas whatever the logs say"}},
       .declare = Adopt},
      {.words = {"run"},
       .summary = "replicate: initial replication when needed, then delta cycles (or on the schedule with --follow)",
       .description = "Replicates the VMs of the state directories given: first their initial replication when it "
                      "has not finished (it resumes where it stopped) and a resync when one is due, then either "
                      "--cycles delta cycles, --every apart, or, with --follow, cycles on each VM's schedule with "
                      "its retries until Ctrl+C, writing a line for each job that ends (each cycle) and for "
                      "each event (docs/monitoring.md), as JSON lines with --json. Give --cycles N or --follow. "
                      "Exits with the code of the last failure: 3 when retrying may help, 4 when the VM waits for "
                      "a resync.",
       .examples = {{"--state-dir /var/lib/hvr/sql01 --cycles 4 --every 2s", ""},
                    {"--state-dir /var/lib/hvr/sql01 --state-dir /var/lib/hvr/web01 --follow",
                     "two VMs on their schedules, until stopped"},
                    {"--state-dir /var/lib/hvr/sql01 --follow --json", "each cycle and event as a line of JSON"},
                    {"--state-dir /var/lib/hvr/sql01 --follow --metrics-listen 127.0.0.1:9464 "
                     "--metrics-file /var/lib/node_exporter/hvr.prom",
                     "metrics for Prometheus, served and written"}},
       .declare = Run},
      {.words = {"resync"},
       .summary = "resynchronize now (or ask the running replication to)",
       .description = "Resynchronizes the VM now: compares the source disks with their replicas in chunks and "
                      "sends only the chunks that differ, then normal delta replication resumes. When another "
                      "process replicates the VM, it is asked to resync instead. The replicas' recorded "
                      "checksums are trusted unless a replica was changed outside hvr (its ETag says so) or "
                      "--verify-replica asks for the replicas to be read.",
       .examples = {{"--state-dir /var/lib/hvr/sql01", ""},
                    {"--state-dir /var/lib/hvr/sql01 --verify-replica",
                     "after someone else wrote the replicas: read them rather than trust their checksums"}},
       .declare = Resync},
      {.words = {"status"},
       .summary = "health, state, RPO, recovery points, last error, the running job's progress",
       .description = "Prints the VM's replication state, health, how much is synchronised, when it last "
                      "replicated, its RPO, its recovery points, what was sent, and the error and next attempt "
                      "when it fails; while a job runs, its step, progress, rate and time left, as the process "
                      "running it published them at most a second ago. Reads the state directory only: it runs "
                      "beside a replication.",
       .examples = {{"--state-dir /var/lib/hvr/sql01", ""},
                    {"--state-dir /var/lib/hvr/sql01 --json", ""},
                    {"--state-dir /var/lib/hvr/sql01 --watch", "follow an initial replication until it ends"}},
       .declare = Status},
      {.words = {"stats"},
       .summary = "replication statistics since the last reset and since protection (Measure-VMReplication)",
       .description = "Prints the VM's replication statistics as Hyper-V's Measure-VMReplication names them: "
                      "successful, missed and failed cycles, network failures, app-consistent point failures, "
                      "average and maximum size and latency of the cycles, resyncs and what they sent, bytes "
                      "sent and the last cycle's duration, since the last reset and since protection, with the "
                      "bytes logged and not yet sent. --reset starts the first column again; when another "
                      "process replicates the VM, it is asked to.",
       .examples = {{"--state-dir /var/lib/hvr/sql01", ""},
                    {"--state-dir /var/lib/hvr/sql01 --reset", "start measuring again from now"}},
       .declare = Stats},
      {.words = {"jobs"},
       .summary = "the VM's recent jobs",
       .description = "Lists the VM's recent jobs (protection, initial replication, cycles, resyncs, failovers) "
                      "with their state, start time and outcome, and the running job's step and progress; with "
                      "--steps, each job's steps and the bytes each one moved.",
       .examples = {{"--state-dir /var/lib/hvr/sql01 --steps", ""}},
       .declare = Jobs},
      {.words = {"points"},
       .summary = "the VM's recovery points",
       .description = "Lists the VM's recovery points: their ids, the source time they hold, when they were "
                      "taken, and whether they are app-consistent.",
       .examples = {{"--state-dir /var/lib/hvr/sql01", ""}},
       .declare = [](CLI::App& app) { return ReadVm(app, ShowPoints); }},
      {.words = {"verify"},
       .summary = "compare a recovery point with the source disks as they are now, byte for byte",
       .description = "Reads a recovery point of every replica disk and the source disks as they are now, and "
                      "compares them byte for byte. Meaningful when the source has not been written since the "
                      "point, as after a planned failover. Exits 1 when they differ.",
       .examples = {{"--state-dir /var/lib/hvr/sql01", ""}, {"--state-dir /var/lib/hvr/sql01 --point 12 --json", ""}},
       .declare = Verify},
  };
}

}  // namespace hvrepl
