// hvrepl set, suspend, resume and unprotect: the life of a protection between protect and
// failover (docs/session.md "Changing, suspending, removing").
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "command.hpp"
#include "session_context.hpp"
#include "store_arguments.hpp"
#include "units.hpp"
#include "store/time_text.hpp"

namespace hvrepl {
namespace {

// The summary of the newest job of `type`: the one just run, here or by the process
// running the VM (which may have run a cycle since).
std::string LastSummary(const hvr::Session& session, hvr::JobType type) {
  const std::vector<hvr::Job> jobs = session.jobs();
  const auto last = std::find_if(jobs.rbegin(), jobs.rend(), [&](const hvr::Job& j) { return j.type == type; });
  return last == jobs.rend() ? std::string() : last->summary;
}

// What set takes: each option given changes its setting, and only those.
struct SetArgs {
  std::string state_dir;
  std::optional<std::string> target;
  std::optional<hvr::ReplicationInterval> interval;
  std::optional<int> keep_hours;
  std::optional<int> app_consistent_hours;
  std::optional<uint64_t> bandwidth;
  std::optional<uint64_t> work_bandwidth;
  std::optional<hvr::WorkHours> work_hours;
  std::optional<bool> resync_automatic;
  std::optional<hvr::WorkHours> office_hours;
  std::optional<int> in_flight;
  std::vector<std::string> remove_disks;
  bool delete_replica = false;
  std::vector<std::string> add_disks;
  StoreArgs link;  // --link-bandwidth and --link-requests only

  // The change, the settings it leaves alone taken from `current` where a setting is
  // given in parts (the bandwidth schedule, the resync window).
  hvr::SettingsChange Change(const hvr::ProtectionSettings& current) const {
    hvr::SettingsChange change;
    change.target = target;
    change.interval = interval;
    if (keep_hours) change.recovery_history = std::chrono::hours(*keep_hours);
    if (app_consistent_hours) change.app_consistent_frequency = std::chrono::hours(*app_consistent_hours);
    if (bandwidth || work_bandwidth || work_hours) {
      hvr::BandwidthSchedule schedule = current.bandwidth.value_or(hvr::BandwidthSchedule{});
      if (bandwidth) {
        schedule.non_work_bytes_per_second = *bandwidth;
        // One rate at all hours unless the work hours get their own.
        if (!work_bandwidth) schedule.work_bytes_per_second = *bandwidth;
      }
      if (work_bandwidth) schedule.work_bytes_per_second = *work_bandwidth;
      if (work_hours) schedule.work_hours = *work_hours;
      change.bandwidth = schedule;
    }
    if (resync_automatic || office_hours) {
      hvr::ResyncWindow window = current.resync;
      if (resync_automatic) window.automatic = *resync_automatic;
      if (office_hours) window.office_hours = *office_hours;
      change.resync = window;
    }
    change.max_in_flight = in_flight;
    if (link.link_bandwidth || link.link_requests) change.link = link.Link(current.link);
    return change;
  }
};

// An option of set checked by the library's own rule for it: SettingsChange::Validate on
// a change holding only that setting.
CLI::Validator ChangeCheck(std::function<void(hvr::SettingsChange&, const std::string&)> set) {
  return CheckWith([set](const std::string& text) {
    hvr::SettingsChange change;
    set(change, text);
    return change.Validate();
  });
}

Runner Set(CLI::App& app) {
  auto a = std::make_shared<SetArgs>();
  using hvr::ReplicationInterval;
  AddStateDir(app, a->state_dir);
  AddText(app, "--target", a->target,
          "the target with a new credential (account key, SAS, service principal) for the same account and "
          "container, or the same folder; checked against the target before it is saved",
          "TARGET")
      ->check(ChangeCheck([](hvr::SettingsChange& c, const std::string& text) { c.target = text; }));
  AddParsed(app, "--interval", a->interval, hvr::ParseInterval, "replication frequency",
            std::string(hvr::IntervalName(ReplicationInterval::k30Seconds)) + "|" +
                hvr::IntervalName(ReplicationInterval::k5Minutes) + "|" +
                hvr::IntervalName(ReplicationInterval::k15Minutes));
  AddCount(app, "--keep-hours", a->keep_hours, "hours of recovery points to keep, 0 (the latest only) to 360")
      ->check(ChangeCheck([](hvr::SettingsChange& c, const std::string& text) {
        c.recovery_history = std::chrono::hours(std::stoi(text));
      }));
  AddCount(app, "--app-consistent-hours", a->app_consistent_hours,
           "hours between app-consistent points, 0 (none) to 12 and at most the hours kept")
      ->check(ChangeCheck([](hvr::SettingsChange& c, const std::string& text) {
        c.app_consistent_frequency = std::chrono::hours(std::stoi(text));
      }));
  AddRate(app, "--bandwidth", a->bandwidth,
          "bytes per second to send at most (with --work-bandwidth: outside the work hours); 0: no limit");
  AddRate(app, "--work-bandwidth", a->work_bandwidth, "bytes per second to send at most during the work hours; 0: no limit");
  AddParsed(app, "--work-hours", a->work_hours, ParseWorkHours,
            std::string("when --work-bandwidth applies: ") + kWorkHoursForms + " (default 09:00-17:00@mon-fri)",
            "HOURS")
      ->check(ChangeCheck([](hvr::SettingsChange& c, const std::string& text) {
        if (auto hours = ParseWorkHours(text); hours.ok()) c.bandwidth = hvr::BandwidthSchedule{0, 0, *hours};
      }));
  AddChoice(app, "--resync", a->resync_automatic, {{"automatic", true}, {"by-hand", false}},
            "whether a resync starts by itself outside the office hours, or only by hand")
      ->default_str("");
  AddParsed(app, "--office-hours", a->office_hours, ParseWorkHours,
            std::string("hours an automatic resync waits out: ") + kWorkHoursForms + " (default 08:00-18:00@mon-fri)",
            "HOURS")
      ->check(ChangeCheck([](hvr::SettingsChange& c, const std::string& text) {
        if (auto hours = ParseWorkHours(text); hours.ok()) c.resync = hvr::ResyncWindow{true, *hours};
      }));
  AddCount(app, "--in-flight", a->in_flight, "requests in flight, 4 MiB each at most, 1 to " +
                                                 std::to_string(hvr::kMaxInFlight))
      ->check(ChangeCheck([](hvr::SettingsChange& c, const std::string& text) { c.max_in_flight = std::stoi(text); }));
  AddRepeated(app, "--remove-disk", a->remove_disks,
              "stop replicating this disk (its replica's name or its path; given once per disk): its tracking "
              "logs are deleted, its replica kept unless --delete-replica; a disk being added: its addition "
              "given up",
              "NAME");
  app.add_flag("--delete-replica", a->delete_replica,
               "with --remove-disk: also delete the removed disks' replicas with their recovery points");
  AddRepeated(app, "--add-disk", a->add_disks,
              "start replicating this disk of the VM (given once per disk): only it is copied, from a checkpoint, "
              "and its first recovery point is the next cycle's; its replica is <vm>-disk<N>",
              "PATH");
  AddLinkArgs(app, a->link);
  return [a] {
    // Read-only: the library asks the process running the VM, or runs it here.
    return WithSession(a->state_dir, true, false, [&](hvr::Session& session) {
      const hvr::SettingsChange change = a->Change(session.settings());
      if (change.empty() && a->remove_disks.empty() && a->add_disks.empty()) {
        return UsageError("set: give at least one setting to change (hvrepl set --help)");
      }
      if (a->delete_replica && a->remove_disks.empty()) return UsageError("set: --delete-replica goes with --remove-disk");
      if (!change.empty()) {
        if (hvr::Status s = session.ChangeSettings(change); !s.ok()) return ReportError(s.error());
        std::cout << session.status().vm_name << ": settings changed ("
                  << LastSummary(session, hvr::JobType::kChangeSettings) << ")\n";
      }
      for (const std::string& disk : a->remove_disks) {
        if (hvr::Status s = session.RemoveDisk(disk, {a->delete_replica}); !s.ok()) return ReportError(s.error());
        std::cout << session.status().vm_name << ": " << LastSummary(session, hvr::JobType::kRemoveDisk) << "\n";
      }
      for (const std::string& disk : a->add_disks) {
        if (hvr::Status s = session.AddDisk(hvr::DiskSpec{disk, {}, {}, {}}); !s.ok()) return ReportError(s.error());
        std::cout << session.status().vm_name << ": " << LastSummary(session, hvr::JobType::kAddDisk) << "\n";
      }
      const hvr::ProtectionSettings now = session.settings();
      std::cout << "  disks       " << now.disks.size() << " replicated\n"
                << "  target      " << session.status().target << "\n"
                << "  interval    " << hvr::IntervalName(now.interval) << "\n"
                << "  keep        " << now.recovery_history.count() << " h of recovery points, app-consistent "
                << (now.app_consistent_frequency.count() ? "every " + std::to_string(now.app_consistent_frequency.count()) + " h"
                                                         : std::string("never"))
                << "\n"
                << "  bandwidth   "
                << (now.bandwidth ? SizeText(now.bandwidth->work_bytes_per_second) + "/s in work hours, " +
                                        SizeText(now.bandwidth->non_work_bytes_per_second) + "/s outside (0: no limit)"
                                  : std::string("no limit"))
                << "\n"
                << "  resync      " << (now.resync.automatic ? "automatic, outside office hours" : "by hand") << "\n"
                << "  in flight   " << now.max_in_flight << " requests\n"
                << "  link        " << now.link.bytes_per_second << " bytes/s, " << now.link.requests_per_second
                << " requests/s per disk: writes join across zeros under " << now.link.JoinGap() << " bytes\n";
      return 0;
    });
  };
}

Runner Suspend(CLI::App& app) {
  return ChangeVm(app, [](hvr::Session& session) {
    if (hvr::Status s = session.Suspend(); !s.ok()) return ReportError(s.error());
    std::cout << session.status().vm_name << ": replication suspended; the host's logs accumulate until "
              << "hvrepl resume\n";
    return 0;
  });
}

Runner Resume(CLI::App& app) {
  return ChangeVm(app, [](hvr::Session& session) {
    if (hvr::Status s = session.Resume(); !s.ok()) return ReportError(s.error());
    std::cout << session.status().vm_name << ": " << LastSummary(session, hvr::JobType::kResume)
              << "; replication is attempted again\n";
    return 0;
  });
}

Runner Unprotect(CLI::App& app) {
  struct Args {
    std::string state_dir;
    hvr::UnprotectOptions options;
  };
  auto a = std::make_shared<Args>();
  AddStateDir(app, a->state_dir);
  app.add_flag("--delete-replicas", a->options.delete_replicas,
               "also delete the replica disks with every recovery point, and the disks failovers made");
  return [a] {
    auto context = SessionContext::Create();
    if (!context.ok()) return ReportError(context.error());
    // The host hvrepl remembers for the VM stops tracking it; the library removes the file.
    auto host = LoadHost(a->state_dir);
    if (!host.ok()) return ReportError(host.error());
    hvr::SessionOptions options;
    options.host = host->get();
    const hvr::Status removed = hvr::Session::Unprotect((*context)->engine(), a->state_dir, a->options, options);
    if (!removed.ok()) return ReportError(removed.error());
    std::cout << "protection removed: " << a->state_dir << " deleted, "
              << (a->options.delete_replicas ? "replica disks deleted" : "replica disks kept") << "\n";
    return 0;
  };
}

}  // namespace

std::vector<Command> LifecycleCommands() {
  return {
      {.words = {"set"},
       .summary = "change a protection's settings: credential, interval, retention, bandwidth, resync window, disks",
       .description = "Changes the settings of a protected VM, as Hyper-V's Set-VMReplication does; only the "
                      "options given change. A new target carries a new credential (a rotated account key, a new "
                      "SAS) for the same account and container: it is used to reach the target and find every "
                      "replica disk before it is saved, so a wrong one is refused and nothing changes, and a VM "
                      "that was Critical because its credential was refused is attempted again. The settings "
                      "apply from the next operation. --remove-disk stops replicating a disk: the host stops "
                      "tracking it, its logs are deleted, the recovery points no longer name it, and its replica "
                      "stays in the target (with --delete-replica it is deleted with its recovery points); the "
                      "last disk cannot be removed (unprotect instead). --add-disk starts replicating a disk "
                      "while the VM runs: every check protect makes of a disk comes first (a bad one changes "
                      "nothing), then the host checkpoints the VM, only the new disk is copied, and the next "
                      "cycle ships its writes since and makes its first recovery point; points before it do not "
                      "hold it. Interrupted, run it again to finish. An addition that keeps failing is given up "
                      "with --remove-disk naming that disk: the host's checkpoint is merged, and its new replica "
                      "is kept (lease released) or deleted with --delete-replica; the VM's other disks go on. "
                      "While hvrepl run replicates the VM, the running process makes the change at its next step "
                      "and set waits for its answer (at most 5 minutes for it to take the request).",
       .examples = {{"--state-dir /var/lib/hvr/sql01 --target 'DefaultEndpointsProtocol=https;AccountName=acct;"
                     "AccountKey=bmV3IGtleQ==;Container=replicas'",
                     "after rotating the account key"},
                    {"--state-dir /var/lib/hvr/sql01 --interval 30s --keep-hours 48 --app-consistent-hours 4", ""},
                    {"--state-dir /var/lib/hvr/sql01 --work-bandwidth 5M --bandwidth 50M --work-hours "
                     "08:00-18:00@mon-fri",
                     "5 MiB/s in office hours, 50 MiB/s outside"},
                    {"--state-dir /var/lib/hvr/sql01 --resync automatic --office-hours 07:00-19:00@mon-sat", ""},
                    {"--state-dir /var/lib/hvr/sql01 --remove-disk sql01-disk1 --delete-replica",
                     "the second disk is no longer replicated; its replica is deleted"},
                    {"--state-dir /var/lib/hvr/sql01 --add-disk /vms/sql01/logs.vhdx",
                     "a disk the VM was given: only it is copied"},
                    {"--state-dir /var/lib/hvr/sql01 --remove-disk /vms/sql01/logs.vhdx --delete-replica",
                     "gives up an addition that keeps failing; nothing of it is left"}},
       .declare = Set},
      {.words = {"suspend"},
       .summary = "suspend replication: logs accumulate, nothing is sent until resume",
       .description = "Suspends replication of the VM, as Hyper-V's Suspend-VMReplication does: the host goes on "
                      "tracking writes in its logs, and nothing is sent: run and a following run skip the VM, "
                      "status shows it suspended (health Warning). hvrepl resume ships the logs. While hvrepl run "
                      "replicates the VM, the running process suspends it at its next step: a run --cycles stops, "
                      "a run --follow goes on with the other VMs and waits for resume.",
       .examples = {{"--state-dir /var/lib/hvr/sql01", ""}},
       .declare = Suspend},
      {.words = {"resume"},
       .summary = "resume a suspended VM, or clear a non-recoverable error once it is dealt with",
       .description = "Resumes replication, as Hyper-V's Resume-VMReplication does: a suspended VM ships the logs "
                      "written meanwhile at its next cycle, or, when they reach half a disk, is resynchronized at "
                      "once (only what differs is sent). It also clears the error that made the VM Critical (an "
                      "error replication does not retry, such as a broken disk chain) once an administrator has "
                      "dealt with its cause, so that replication is attempted again. While hvrepl run --follow "
                      "holds the VM, the running process resumes it at its next step.",
       .examples = {{"--state-dir /var/lib/hvr/sql01", ""}},
       .declare = Resume},
      {.words = {"unprotect"},
       .summary = "remove protection: leases, tracking, logs, the state directory (and the replicas when asked)",
       .description = "Removes the protection of a VM, as Hyper-V's Remove-VMReplication does: releases the "
                      "leases on its replica disks, asks its host to stop tracking, deletes its tracking logs and "
                      "its state directory, and with --delete-replicas its replica disks with every recovery "
                      "point and the disks failovers made, so that nothing of the VM stays in the target. Every "
                      "step repeats safely: after a crash, run it again to finish. While hvrepl run replicates "
                      "the VM, the running process removes the protection at its next step and stops running "
                      "the VM (a run with no VM left ends), and unprotect waits until the state directory is gone. "
                      "A VM adopted on another host (hvrepl adopt) has replicas that belong to the agent that "
                      "adopted them: unprotect removes what is this host's and leaves them, and refuses "
                      "--delete-replicas before removing anything.",
       .examples = {{"--state-dir /var/lib/hvr/sql01", "the replicas stay in the target"},
                    {"--state-dir /var/lib/hvr/sql01 --delete-replicas", "nothing of the VM stays"}},
       .declare = Unprotect},
  };
}

}  // namespace hvrepl
