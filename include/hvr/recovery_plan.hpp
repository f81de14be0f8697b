// Recovery plans (docs/failover.md): many VMs failed over in ordered groups, with the
// host's actions before and after each group (start the database before the web tier,
// run a script, wait for an operator). Groups run one after another; the VMs of a group
// fail over at once, each as a job of its own session.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hvr/error.hpp"
#include "hvr/host.hpp"

namespace hvr {

class Session;  // hvr/session.hpp: a plan names sessions and runs them

enum class PlanFailover : int { kTest = 0, kPlanned = 1, kUnplanned = 2 };

const char* PlanFailoverName(PlanFailover kind);  // "test", "planned", "unplanned"

struct RecoveryPlanGroup {
  std::vector<Session*> vms;        // must outlive the run
  std::vector<std::string> before;  // actions, in order, before the group fails over
  std::vector<std::string> after;   // and after all its VMs did
};

struct RecoveryPlan {
  std::string name;
  std::vector<RecoveryPlanGroup> groups;
  // On a failure: stop before the next group (false), or go on with the rest (true).
  bool continue_on_failure = false;
};

struct PlanOptions {
  PlanFailover kind = PlanFailover::kUnplanned;
  std::string point = "latest";  // unplanned and test failovers
  HostActions* host = nullptr;   // runs the actions; null: DefaultHost()
};

struct PlanVmOutcome {
  size_t group = 0;
  std::string vm_name;
  Status result;
  std::optional<FailoverVm> vm;  // what was handed to the host, when it succeeded
};

struct PlanOutcome {
  std::vector<PlanVmOutcome> vms;  // in group order
  size_t groups_run = 0;
  // The plan's first failure (a VM's failover or an action), if any.
  std::optional<Error> first_error;
  bool succeeded() const { return !first_error; }
};

// Runs `plan`. Returns its outcome, failures included; errors only for a plan that is
// not well formed (no groups, a VM twice).
Result<PlanOutcome> RunRecoveryPlan(const RecoveryPlan& plan, const PlanOptions& options = {});

}  // namespace hvr
