#include "hvr/recovery_plan.hpp"

#include <set>
#include <thread>

#include "hvr/session.hpp"

namespace hvr {

const char* PlanFailoverName(PlanFailover kind) {
  switch (kind) {
    case PlanFailover::kTest: return "test";
    case PlanFailover::kPlanned: return "planned";
    case PlanFailover::kUnplanned: return "unplanned";
  }
  return "unknown";
}

namespace {

Result<FailoverVm> FailOver(Session& session, const PlanOptions& options) {
  if (options.kind == PlanFailover::kTest) return session.TestFailover(options.point);
  return session.Failover(FailoverOptions{options.point, options.kind == PlanFailover::kPlanned});
}

}  // namespace

Result<PlanOutcome> RunRecoveryPlan(const RecoveryPlan& plan, const PlanOptions& options) {
  if (plan.groups.empty()) return Error(Code::kInvalidArgument, "recovery plan '" + plan.name + "' has no groups");
  std::set<Session*> seen;
  for (const RecoveryPlanGroup& group : plan.groups) {
    for (Session* vm : group.vms) {
      if (!vm || !seen.insert(vm).second) {
        return Error(Code::kInvalidArgument, "recovery plan '" + plan.name + "' names a VM twice or none");
      }
    }
  }
  HostActions& host = options.host ? *options.host : DefaultHost();
  PlanOutcome outcome;
  const auto note = [&](const Error& error) {
    if (!outcome.first_error) outcome.first_error = error;
  };
  const auto run_actions = [&](const std::vector<std::string>& actions) {
    for (const std::string& action : actions) {
      Status done = host.RunPlanAction(plan.name, action);
      if (!done.ok()) {
        note(done.error().WithContext("recovery plan '" + plan.name + "', action '" + action + "'"));
        return false;
      }
    }
    return true;
  };
  for (size_t g = 0; g < plan.groups.size(); ++g) {
    if (outcome.first_error && !plan.continue_on_failure) break;
    const RecoveryPlanGroup& group = plan.groups[g];
    ++outcome.groups_run;
    if (!run_actions(group.before) && !plan.continue_on_failure) break;
    // The group's VMs at once; the engine bounds how many do I/O.
    std::vector<PlanVmOutcome> results(group.vms.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < group.vms.size(); ++i) {
      threads.emplace_back([&, i] {
        PlanVmOutcome& r = results[i];
        r.group = g;
        r.vm_name = group.vms[i]->status().vm_name;
        auto vm = FailOver(*group.vms[i], options);
        if (vm.ok()) {
          r.vm = std::move(*vm);
        } else {
          r.result = std::move(vm).error();
        }
      });
    }
    for (auto& t : threads) t.join();
    bool group_ok = true;
    for (PlanVmOutcome& r : results) {
      if (!r.result.ok()) {
        note(r.result.error());
        group_ok = false;
      }
      outcome.vms.push_back(std::move(r));
    }
    if (!group_ok && !plan.continue_on_failure) break;
    run_actions(group.after);
  }
  return outcome;
}

}  // namespace hvr
