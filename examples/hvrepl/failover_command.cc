// hvrepl failover, failover-cleanup, commit, failback, reverse and plan run
// (REQUIREMENTS.md §7-§9).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>

#include "command.hpp"
#include "session_context.hpp"
#include "units.hpp"
#include "hvr/recovery_plan.hpp"
#include "util/file.hpp"

namespace hvrepl {
namespace {

namespace po = boost::program_options;
namespace json = boost::json;

void PrintFailoverVm(const hvr::FailoverVm& vm) {
  std::cout << (vm.test ? "test VM '" : "VM '") << vm.vm_name << "' from recovery point " << vm.point_id
            << (vm.app_consistent ? " (app-consistent)" : "") << "\n";
  for (const auto& d : vm.disks) {
    std::cout << "  disk  " << d.name << "  " << d.location << "  " << HumanSize(d.virtual_size) << "\n";
  }
  for (const auto& [key, value] : vm.settings) std::cout << "  " << key << " = " << value << "\n";
}

int Failover(const std::vector<std::string>& args) {
  po::options_description named("failover options");
  named.add_options()("state-dir", po::value<std::string>()->required(), "the VM's state directory")(
      "point", po::value<std::string>()->default_value("latest"), "latest, latest-app-consistent, or a point's id")(
      "planned", po::bool_switch(), "shut the source VM down and ship its last writes first: no data loss")(
      "test", po::bool_switch(), "copies for a test while replication goes on");
  const auto vm = ParseArguments(args, named);
  if (vm["planned"].as<bool>() && vm["test"].as<bool>()) return UsageError("failover: --planned or --test, not both");
  // A failover is never cancelled half way: Ctrl+C waits for it.
  return WithSession(vm["state-dir"].as<std::string>(), false, true, [&](hvr::Session& session) {
    auto result = vm["test"].as<bool>()
                      ? session.TestFailover(vm["point"].as<std::string>())
                      : session.Failover({vm["point"].as<std::string>(), vm["planned"].as<bool>()});
    if (!result.ok()) return ReportError(result.error());
    PrintFailoverVm(*result);
    return 0;
  });
}

int FailoverCleanup(const std::vector<std::string>& args) {
  po::options_description named("failover-cleanup options");
  named.add_options()("state-dir", po::value<std::string>()->required(), "the VM's state directory");
  const auto vm = ParseArguments(args, named);
  return WithSession(vm["state-dir"].as<std::string>(), false, true, [&](hvr::Session& session) {
    if (hvr::Status s = session.CleanupTestFailover(); !s.ok()) return ReportError(s.error());
    std::cout << "test failover cleaned up\n";
    return 0;
  });
}

int Commit(const std::vector<std::string>& args) {
  po::options_description named("commit options");
  named.add_options()("state-dir", po::value<std::string>()->required(), "the VM's state directory");
  const auto vm = ParseArguments(args, named);
  return WithSession(vm["state-dir"].as<std::string>(), false, true, [&](hvr::Session& session) {
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

int Failback(const std::vector<std::string>& args) {
  po::options_description named("failback options");
  named.add_options()("state-dir", po::value<std::string>()->required(), "the VM's state directory")(
      "to", po::value<std::string>()->default_value("original"), "original, or a folder for new VHDX files")(
      "sync-only", po::bool_switch(), "bring the disks up to date while the Azure VM runs (repeatable)")(
      "complete", po::bool_switch(), "stop the Azure VM, a last sync, start the on-premises VM (the default)");
  const auto vm = ParseArguments(args, named);
  if (vm["sync-only"].as<bool>() && vm["complete"].as<bool>()) return UsageError("failback: --sync-only or --complete");
  hvr::FailbackOptions options;
  if (vm["to"].as<std::string>() != "original") options.folder = vm["to"].as<std::string>();
  return WithSession(vm["state-dir"].as<std::string>(), false, true, [&](hvr::Session& session) {
    auto report = vm["sync-only"].as<bool>() ? session.FailbackSync(options) : session.FailbackComplete(options);
    if (!report.ok()) return ReportError(report.error());
    for (const auto& d : report->disks) {
      std::cout << d.destination << ": " << d.method << ", read " << HumanSize(d.bytes_read) << ", wrote "
                << HumanSize(d.bytes_written) << "\n";
    }
    std::cout << (report->completed ? "failback complete; the on-premises VM runs: hvrepl reverse --state-dir " +
                                          vm["state-dir"].as<std::string>() + "\n"
                                    : "synchronised; the Azure VM runs on\n");
    return 0;
  });
}

int Reverse(const std::vector<std::string>& args) {
  po::options_description named("reverse options");
  named.add_options()("state-dir", po::value<std::string>()->required(), "the VM's state directory");
  const auto vm = ParseArguments(args, named);
  return WithSession(vm["state-dir"].as<std::string>(), false, true, [&](hvr::Session& session) {
    if (hvr::Status s = session.ReverseReplication(); !s.ok()) return ReportError(s.error());
    std::cout << "protected again from the failback point: hvrepl run --state-dir " << vm["state-dir"].as<std::string>()
              << "\n";
    return 0;
  });
}

// The plan's actions are shell commands.
class ShellActions final : public hvr::HostActions {
 public:
  hvr::Status RunPlanAction(const std::string& plan, const std::string& action) override {
    std::cerr << "plan " << plan << ": " << action << "\n";
    const int code = std::system(action.c_str());
    if (code == 0) return hvr::Ok();
    return hvr::Error(hvr::Code::kInternal, "the action exited with " + std::to_string(code));
  }
};

// {"name": "...", "continue_on_failure": false,
//  "groups": [{"vms": ["STATE_DIR", ...], "before": ["CMD", ...], "after": [...]}, ...]}
int PlanRun(const std::vector<std::string>& args) {
  po::options_description named("plan run options");
  named.add_options()("test", po::bool_switch(), "test failover")("planned", po::bool_switch(), "planned failover")(
      "point", po::value<std::string>()->default_value("latest"), "the point of unplanned and test failovers");
  const auto vm = ParseArguments(args, named, {"plan"});
  const std::string file = vm["plan"].as<std::string>();
  auto text = hvr::ReadWholeFile(file);
  if (!text.ok()) return ReportError(text.error());
  boost::system::error_code ec;
  const json::value doc = json::parse(*text, ec);
  const auto bad = [&](const std::string& what) { return UsageError(file + ": " + what); };
  if (ec || !doc.is_object()) return bad("not a JSON object");
  const auto& o = doc.get_object();
  auto context = SessionContext::Create();
  if (!context.ok()) return ReportError(context.error());
  hvr::RecoveryPlan plan;
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
      auto session = (*context)->Open(dir, false, false);
      if (!session.ok()) return ReportError(session.error());
      group.vms.push_back(*session);
    }
    plan.groups.push_back(std::move(group));
  }
  hvr::PlanOptions options;
  options.kind = vm["test"].as<bool>()      ? hvr::PlanFailover::kTest
                 : vm["planned"].as<bool>() ? hvr::PlanFailover::kPlanned
                                            : hvr::PlanFailover::kUnplanned;
  options.point = vm["point"].as<std::string>();
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

}  // namespace

std::vector<Command> FailoverCommands() {
  return {
      {{"failover"}, "--state-dir DIR [--point latest|latest-app-consistent|ID] [--planned] [--test]",
       "fail over to Azure-ready disks from a recovery point (never cancelled half way)", Failover},
      {{"failover-cleanup"}, "--state-dir DIR", "remove a test failover's VM and disks", FailoverCleanup},
      {{"commit"}, "--state-dir DIR", "commit a failover (delete its recovery points) or a failback (delete the failed-over disks)",
       Commit},
      {{"failback"}, "--state-dir DIR [--to original|DIR] [--sync-only|--complete]",
       "bring the VM back on premises: sync while the Azure VM runs, then complete", Failback},
      {{"reverse"}, "--state-dir DIR", "protect the VM again after failback, without a full copy", Reverse},
      {{"plan", "run"}, "PLAN.json [--test|--planned] [--point P]",
       "fail over the VMs of a recovery plan, group by group, with its actions", PlanRun},
  };
}

}  // namespace hvrepl
