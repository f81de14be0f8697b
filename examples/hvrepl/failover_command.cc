// hvrepl failover, failover-cleanup, commit, failback, reverse, plan run and plan cleanup
// (docs/failover.md).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <optional>
#include <memory>

#include "arguments.hpp"
#include "command.hpp"
#include "session_context.hpp"
#include "units.hpp"
#include "hvr/recovery_plan.hpp"
#include "platform/shell_command.hpp"
#include "util/file.hpp"

namespace hvrepl {
namespace {

namespace json = boost::json;

void PrintFailoverVm(const hvr::FailoverVm& vm) {
  std::cout << (vm.test ? "test VM '" : "VM '") << vm.vm_name << "' from recovery point " << vm.point_id
            << (vm.app_consistent ? " (app-consistent)" : "") << "\n";
  for (const auto& d : vm.disks) {
    std::cout << "  disk  " << d.name << "  " << d.location << "  " << HumanSize(d.virtual_size) << "\n";
  }
  for (const auto& [key, value] : vm.settings) std::cout << "  " << key << " = " << value << "\n";
}

Runner Failover(CLI::App& app) {
  struct Args {
    std::string state_dir;
    hvr::FailoverOptions failover;
    bool test = false;
  };
  auto a = std::make_shared<Args>();
  AddStateDir(app, a->state_dir);
  AddPoint(app, a->failover.point, "the point to fail over to (a planned failover takes the one its last cycle makes)");
  CLI::Option* planned = app.add_flag("--planned", a->failover.planned,
                                      "shut the source VM down and ship its last writes first: no data loss");
  app.add_flag("--test", a->test, "copies for a test while replication goes on")->excludes(planned);
  // A failover is never cancelled half way: Ctrl+C waits for it.
  return [a] {
    auto context = SessionContext::Create();
    if (!context.ok()) return ReportError(context.error());
    auto session = (*context)->Open(a->state_dir, false, true);
    if (!session.ok() && session.error().code() == hvr::Code::kConflict && !a->test) {
      // A replication runs on this VM (run --follow): it fails over at its next step.
      session = (*context)->Open(a->state_dir, true, false);
      if (!session.ok()) return ReportError(session.error());
      std::cerr << "hvrepl: the replication running on " << a->state_dir << " fails over; waiting for it\n";
    }
    if (!session.ok()) return ReportError(session.error());
    auto result = a->test ? (*session)->TestFailover(a->failover.point) : (*session)->Failover(a->failover);
    if (!result.ok()) return ReportError(result.error());
    PrintFailoverVm(*result);
    return 0;
  };
}

Runner FailoverCleanup(CLI::App& app) {
  return ActOnVm(app, true, [](hvr::Session& session) {
    if (hvr::Status s = session.CleanupTestFailover(); !s.ok()) return ReportError(s.error());
    std::cout << "test failover cleaned up\n";
    return 0;
  });
}

Runner Commit(CLI::App& app) {
  return ActOnVm(app, true, [](hvr::Session& session) {
    // After a failover: its recovery points go. After a failback: the failed-over disks.
    const bool failed_back = session.status().state == hvr::ReplicationState::kFailedBack ||
                             session.status().state == hvr::ReplicationState::kReplicating;
    const hvr::Status s = failed_back ? session.CommitFailback() : session.CommitFailover();
    if (!s.ok()) return ReportError(s.error());
    std::cout << (failed_back ? "failback committed: the failed-over disks are deleted\n"
                              : "failover committed: the recovery points are deleted\n");
    return 0;
  });
}

Runner Failback(CLI::App& app) {
  struct Args {
    std::string state_dir;
    std::string to = "original";
    bool sync_only = false;
    bool complete = false;
  };
  auto a = std::make_shared<Args>();
  AddStateDir(app, a->state_dir);
  AddText(app, "--to", a->to, "original (the VM's own disks), or a folder for new VHDX files", "original|DIR");
  CLI::Option* sync_only =
      app.add_flag("--sync-only", a->sync_only, "bring the disks up to date while the Azure VM runs (repeatable)");
  app.add_flag("--complete", a->complete, "stop the Azure VM, a last sync, start the on-premises VM (the default)")
      ->excludes(sync_only);
  return [a] {
    hvr::FailbackOptions options;
    if (a->to != "original") options.folder = a->to;
    return WithSession(a->state_dir, false, true, [&](hvr::Session& session) {
      auto report = a->sync_only ? session.FailbackSync(options) : session.FailbackComplete(options);
      if (!report.ok()) return ReportError(report.error());
      for (const auto& d : report->disks) {
        std::cout << d.destination << ": " << d.method << ", read " << HumanSize(d.bytes_read) << ", wrote "
                  << HumanSize(d.bytes_written) << "\n";
      }
      std::cout << (report->completed ? "failback complete; the on-premises VM runs: hvrepl reverse --state-dir " +
                                            a->state_dir + "\n"
                                      : "synchronised; the Azure VM runs on\n");
      return 0;
    });
  };
}

Runner Reverse(CLI::App& app) {
  return ActOnVm(app, true, [](hvr::Session& session) {
    if (hvr::Status s = session.ReverseReplication(); !s.ok()) return ReportError(s.error());
    std::cout << "protected again from the failback point: hvrepl run --state-dir " << session.state_dir() << "\n";
    return 0;
  });
}

// The plan's actions are shell commands. One that fails is the plan's failure, for an
// administrator to look at (not hvr's: the class says so), with the command's own exit
// status.
class ShellActions final : public hvr::HostActions {
 public:
  hvr::Status RunPlanAction(const std::string& plan, const std::string& action) override {
    std::cerr << "plan " << plan << ": " << action << "\n";
    const auto status = hvr::RunShellCommand(action);
    if (!status.ok()) return hvr::Error(hvr::Code::kInvalidArgument, status.error().message());
    if (*status == 0) return hvr::Ok();
    return hvr::Error(hvr::Code::kInvalidArgument, "the action exited with status " + std::to_string(*status));
  }
};

// Reads a recovery plan and opens its VMs in `context`; on failure, the exit code.
// {"name": "...", "continue_on_failure": false,
//  "groups": [{"vms": ["STATE_DIR", ...], "before": ["CMD", ...], "after": [...]}, ...]}
std::optional<int> ReadPlan(const std::string& file, SessionContext& context, hvr::RecoveryPlan& plan) {
  auto text = hvr::ReadWholeFile(file);
  if (!text.ok()) return ReportError(text.error());
  boost::system::error_code ec;
  const json::value doc = json::parse(*text, ec);
  const auto bad = [&](const std::string& what) { return UsageError(file + ": " + what); };
  if (ec || !doc.is_object()) return bad("not a JSON object");
  const auto& o = doc.get_object();
  if (const auto* name = o.if_contains("name"); name && name->is_string()) plan.name = std::string(name->get_string());
  if (const auto* go_on = o.if_contains("continue_on_failure"); go_on && go_on->is_bool()) {
    plan.continue_on_failure = go_on->get_bool();
  }
  const auto* groups = o.if_contains("groups");
  if (!groups || !groups->is_array()) return bad("\"groups\" must be an array");
  const auto strings = [](const json::object& g, const char* key, std::vector<std::string>& out) {
    const auto* list = g.if_contains(key);
    if (!list) return true;
    if (!list->is_array()) return false;
    for (const auto& v : list->get_array()) {
      if (!v.is_string()) return false;
      out.emplace_back(v.get_string());
    }
    return true;
  };
  for (const auto& g : groups->get_array()) {
    if (!g.is_object()) return bad("a group is not an object");
    hvr::RecoveryPlanGroup group;
    std::vector<std::string> dirs;
    if (!strings(g.get_object(), "vms", dirs) || !strings(g.get_object(), "before", group.before) ||
        !strings(g.get_object(), "after", group.after)) {
      return bad("\"vms\", \"before\" and \"after\" are lists of strings");
    }
    for (const auto& dir : dirs) {
      auto session = context.Open(dir, false, false);
      if (!session.ok()) return ReportError(session.error());
      group.vms.push_back(*session);
    }
    plan.groups.push_back(std::move(group));
  }
  return std::nullopt;
}

int RunPlan(const std::string& file, hvr::PlanOptions options) {
  auto context = SessionContext::Create();
  if (!context.ok()) return ReportError(context.error());
  hvr::RecoveryPlan plan;
  if (auto failed = ReadPlan(file, **context, plan)) return *failed;
  ShellActions actions;
  options.host = &actions;
  auto outcome = hvr::RunRecoveryPlan(plan, options);
  if (!outcome.ok()) return ReportError(outcome.error());
  for (const auto& r : outcome->vms) {
    std::cout << "group " << r.group << "  " << r.vm_name << "  "
              << (r.result.ok() ? "failed over to point " + r.vm->point_id : r.result.error().ToString()) << "\n";
  }
  if (outcome->first_error) return ReportError(*outcome->first_error);
  std::cout << "recovery plan '" << plan.name << "': " << hvr::PlanFailoverName(options.kind) << " failover of "
            << outcome->vms.size() << " VM(s) in " << outcome->groups_run << " group(s) done\n";
  return 0;
}

// Removes the test failovers a plan's test run left: every VM of the plan that has one,
// all of them even when one fails (the first failure is the exit code).
int CleanupPlan(const std::string& file) {
  auto context = SessionContext::Create();
  if (!context.ok()) return ReportError(context.error());
  hvr::RecoveryPlan plan;
  if (auto failed = ReadPlan(file, **context, plan)) return *failed;
  std::optional<hvr::Error> first_error;
  size_t cleaned = 0;
  for (const auto& group : plan.groups) {
    for (hvr::Session* vm : group.vms) {
      const std::string name = vm->status().vm_name;
      if (!vm->status().test_failover) {
        std::cout << name << ": no test failover\n";
        continue;
      }
      const hvr::Status s = vm->CleanupTestFailover();
      if (!s.ok() && !first_error) first_error = s.error();
      std::cout << name << ": " << (s.ok() ? "test VM and disks removed" : s.error().ToString()) << "\n";
      cleaned += s.ok();
    }
  }
  if (first_error) return ReportError(*first_error);
  std::cout << "recovery plan '" << plan.name << "': test failover of " << cleaned << " VM(s) cleaned up\n";
  return 0;
}

Runner PlanCleanup(CLI::App& app) {
  auto plan = std::make_shared<std::string>();
  AddPositional(app, "PLAN.json", *plan, "the recovery plan");
  return [plan] { return CleanupPlan(*plan); };
}

Runner PlanRun(CLI::App& app) {
  struct Args {
    std::string plan;
    std::string point = hvr::PlanOptions{}.point;
    bool planned = false;
    bool test = false;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "PLAN.json", a->plan, "the recovery plan");
  CLI::Option* test = app.add_flag("--test", a->test, "test failovers, while replication goes on");
  app.add_flag("--planned", a->planned, "planned failovers: each VM shut down and its last writes shipped first")
      ->excludes(test);
  AddPoint(app, a->point, "the point of unplanned and test failovers");
  return [a] {
    hvr::PlanOptions options;
    options.kind = a->test ? hvr::PlanFailover::kTest
                   : a->planned ? hvr::PlanFailover::kPlanned
                                : hvr::PlanFailover::kUnplanned;
    options.point = a->point;
    return RunPlan(a->plan, options);
  };
}

}  // namespace

std::vector<Command> FailoverCommands() {
  return {
      {.words = {"failover"},
       .summary = "fail over to Azure-ready disks from a recovery point (never cancelled half way)",
       .description = "Fails the VM over: makes Azure-ready disks (fixed VHDs) from a recovery point and hands "
                      "them, with the failover settings given to protect, to the host to create the VM. Planned "
                      "(--planned) shuts the source VM down and ships its last writes first, so nothing is lost; "
                      "unplanned takes the point as it is; --test makes copies while replication goes on. Once "
                      "started, a failover is never cancelled half way: Ctrl+C waits for it.",
       .examples = {{"--state-dir /var/lib/hvr/sql01 --planned", ""},
                    {"--state-dir /var/lib/hvr/sql01 --point latest-app-consistent --test",
                     "a test copy of the last app-consistent point"}},
       .declare = Failover},
      {.words = {"failover-cleanup"},
       .summary = "remove a test failover's VM and disks",
       .description = "Removes what a test failover made, its VM and its disks; replication is not touched.",
       .examples = {{"--state-dir /var/lib/hvr/sql01", ""}},
       .declare = FailoverCleanup},
      {.words = {"commit"},
       .summary = "commit a failover (delete its recovery points) or a failback (delete the failed-over disks)",
       .description = "Commits what was done last: after a failover, once the failed-over VM is checked, its "
                      "recovery points are deleted; after a failback, the failed-over disks in Azure are.",
       .examples = {{"--state-dir /var/lib/hvr/sql01", ""}},
       .declare = Commit},
      {.words = {"failback"},
       .summary = "bring the VM back on premises: sync while the Azure VM runs, then complete",
       .description = "Brings a failed-over VM back on premises, to its own disks or to new VHDX files in a "
                      "folder. --sync-only copies what changed while the Azure VM keeps running, and can be "
                      "repeated; --complete (the default) stops the Azure VM, syncs the last changes and starts "
                      "the on-premises VM. Then reverse protects it again.",
       .examples = {{"--state-dir /var/lib/hvr/sql01 --sync-only", "while the Azure VM runs"},
                    {"--state-dir /var/lib/hvr/sql01 --complete", ""}},
       .declare = Failback},
      {.words = {"reverse"},
       .summary = "protect the VM again after failback, without a full copy",
       .description = "Protects the VM again after a completed failback, replicating from the point the failback "
                      "left: only the changes made since then are sent, not a full copy.",
       .examples = {{"--state-dir /var/lib/hvr/sql01", ""}},
       .declare = Reverse},
      {.words = {"plan", "run"},
       .summary = "fail over the VMs of a recovery plan, group by group, with its actions",
       .description = "Fails over the VMs of a recovery plan, a JSON file: {\"name\": ..., "
                      "\"continue_on_failure\": false, \"groups\": [{\"vms\": [STATE_DIR, ...], \"before\": "
                      "[COMMAND, ...], \"after\": [...]}, ...]}. Groups fail over in order, the VMs of a group at "
                      "once, with the group's before and after commands run in a shell around them. A failure, of "
                      "a VM or a command, stops the plan before the next group unless continue_on_failure.",
       .examples = {{"sql-tier.json --planned", ""}, {"sql-tier.json --test --point latest-app-consistent", ""}},
       .declare = PlanRun},
      {.words = {"plan", "cleanup"},
       .summary = "remove the test failovers of a recovery plan's VMs",
       .description = "Removes what `plan run --test` made: for every VM of the plan that has a test failover, "
                      "its test VM and disks, as failover-cleanup does; replication is not touched. VMs without "
                      "one are passed over; a VM that fails does not stop the others, and the first failure is "
                      "the exit code.",
       .examples = {{"sql-tier.json", ""}},
       .declare = PlanCleanup},
  };
}

}  // namespace hvrepl
