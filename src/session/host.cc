#include "hvr/host.hpp"

namespace hvr {

Result<std::vector<FrozenDisk>> HostActions::CreateCheckpoint(const HostVm& vm) {
  std::vector<FrozenDisk> disks;
  for (const std::string& path : vm.disks) disks.push_back(FrozenDisk{path, Guid{}});
  return disks;
}

Status HostActions::MergeCheckpoint(const HostVm&) { return Ok(); }

Result<RotateResult> HostActions::RotateLogs(const HostVm&, bool) { return RotateResult{}; }

Status HostActions::ShutdownVm(const HostVm& vm) {
  return Error(Code::kUnsupported, "VM '" + vm.name +
                                       "': the host cannot shut it down, so a planned failover could lose "
                                       "writes; shut it down and fail over unplanned");
}

Status HostActions::StartVm(const HostVm&) { return Ok(); }
Result<bool> HostActions::VmRunning(const HostVm&) { return false; }
Status HostActions::StopTracking(const HostVm&) { return Ok(); }
Status HostActions::CreateAzureVm(const FailoverVm&) { return Ok(); }
Status HostActions::ShutdownAzureVm(const FailoverVm&) { return Ok(); }
Status HostActions::DeleteAzureVm(const FailoverVm&) { return Ok(); }
Status HostActions::RunPlanAction(const std::string&, const std::string&) { return Ok(); }

HostActions& DefaultHost() {
  static HostActions host;
  return host;
}

}  // namespace hvr
