// Host callbacks through the C ABI: an hvr_host's function pointers behind
// hvr::HostActions. A callback left unset does what the default host does.
#include <boost/json/serialize.hpp>
#include <cstring>

#include "capi_internal.hpp"
#include "replication_handles.hpp"
#include "session/status_json.hpp"

struct hvr_checkpoint {
  std::vector<hvr::FrozenDisk> disks;
  std::vector<bool> set;
};

namespace {

using hvr::capi::Fail;
using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

// The C view of a HostVm, valid as long as `vm` is.
struct CVm {
  explicit CVm(const hvr::HostVm& vm) {
    for (const std::string& d : vm.disks) paths.push_back(d.c_str());
    view.struct_size = sizeof view;
    view.name = vm.name.c_str();
    std::memcpy(view.id, vm.id.bytes.data(), 16);
    view.disk_count = paths.size();
    view.disks = paths.data();
  }
  std::vector<const char*> paths;
  hvr_host_vm view{};
};

hvr::Status Outcome(hvr_status status, const char* callback) {
  if (status == HVR_OK) return hvr::Ok();
  const int code = static_cast<int>(status);
  return hvr::Error(code > 0 && code < hvr::kCodeCount ? static_cast<hvr::Code>(code) : hvr::Code::kInternal,
                    std::string("the host's ") + callback + " callback answered " + hvr_status_name(status));
}

}  // namespace

hvr::Result<std::vector<hvr::FrozenDisk>> CHost::CreateCheckpoint(const hvr::HostVm& vm) {
  if (!checkpoint) return HostActions::CreateCheckpoint(vm);
  CVm c(vm);
  hvr_checkpoint filled;
  filled.disks.resize(vm.disks.size());
  filled.set.assign(vm.disks.size(), false);
  HVR_RETURN_IF_ERROR(Outcome(checkpoint(user_data_, &c.view, &filled), "checkpoint"));
  for (size_t i = 0; i < filled.set.size(); ++i) {
    if (!filled.set[i]) {
      return hvr::Error(hvr::Code::kInvalidArgument,
                        "the host's checkpoint callback gave no frozen view of disk " + std::to_string(i));
    }
  }
  return std::move(filled.disks);
}

hvr::Status CHost::MergeCheckpoint(const hvr::HostVm& vm) {
  if (!merge) return HostActions::MergeCheckpoint(vm);
  CVm c(vm);
  return Outcome(merge(user_data_, &c.view), "merge checkpoint");
}

hvr::Result<hvr::RotateResult> CHost::RotateLogs(const hvr::HostVm& vm, bool quiesce) {
  if (!rotate) return HostActions::RotateLogs(vm, quiesce);
  CVm c(vm);
  int quiesced = 0;
  HVR_RETURN_IF_ERROR(Outcome(rotate(user_data_, &c.view, quiesce ? 1 : 0, &quiesced), "rotate logs"));
  return hvr::RotateResult{quiesced != 0};
}

hvr::Status CHost::ShutdownVm(const hvr::HostVm& vm) {
  if (!shutdown) return HostActions::ShutdownVm(vm);
  CVm c(vm);
  return Outcome(shutdown(user_data_, &c.view), "shutdown VM");
}

hvr::Status CHost::StartVm(const hvr::HostVm& vm) {
  if (!start) return HostActions::StartVm(vm);
  CVm c(vm);
  return Outcome(start(user_data_, &c.view), "start VM");
}

hvr::Result<bool> CHost::VmRunning(const hvr::HostVm& vm) {
  if (!running) return HostActions::VmRunning(vm);
  CVm c(vm);
  int answer = 0;
  HVR_RETURN_IF_ERROR(Outcome(running(user_data_, &c.view, &answer), "VM running"));
  return answer != 0;
}

hvr::Status CHost::StopTracking(const hvr::HostVm& vm) {
  if (!stop_tracking) return HostActions::StopTracking(vm);
  CVm c(vm);
  return Outcome(stop_tracking(user_data_, &c.view), "stop tracking");
}

hvr::Status CHost::CreateAzureVm(const hvr::FailoverVm& vm) {
  if (!create_azure) return HostActions::CreateAzureVm(vm);
  return Outcome(create_azure(user_data_, boost::json::serialize(hvr::ToJson(vm)).c_str()), "create Azure VM");
}

hvr::Status CHost::ShutdownAzureVm(const hvr::FailoverVm& vm) {
  if (!shutdown_azure) return HostActions::ShutdownAzureVm(vm);
  return Outcome(shutdown_azure(user_data_, boost::json::serialize(hvr::ToJson(vm)).c_str()), "shutdown Azure VM");
}

hvr::Status CHost::DeleteAzureVm(const hvr::FailoverVm& vm) {
  if (!delete_azure) return HostActions::DeleteAzureVm(vm);
  return Outcome(delete_azure(user_data_, boost::json::serialize(hvr::ToJson(vm)).c_str()), "delete Azure VM");
}

hvr::Status CHost::RunPlanAction(const std::string& plan, const std::string& action) {
  if (!plan_action) return HostActions::RunPlanAction(plan, action);
  return Outcome(plan_action(user_data_, plan.c_str(), action.c_str()), "plan action");
}

extern "C" {

hvr_status hvr_checkpoint_set_disk(hvr_checkpoint* checkpoint, size_t index, const char* frozen_path,
                                   const uint8_t* tracked_identity) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(checkpoint, __func__, "checkpoint"));
    HVR_CAPI_CHECK(RequireNonNull(frozen_path, __func__, "frozen_path"));
    if (index >= checkpoint->disks.size()) {
      return Fail(HVR_INVALID_ARGUMENT, std::string(__func__) + ": the VM has " +
                                            std::to_string(checkpoint->disks.size()) + " disks, not " +
                                            std::to_string(index + 1));
    }
    checkpoint->disks[index].path = frozen_path;
    checkpoint->disks[index].tracked_identity = hvr::Guid{};
    if (tracked_identity) std::memcpy(checkpoint->disks[index].tracked_identity.bytes.data(), tracked_identity, 16);
    checkpoint->set[index] = true;
    return HVR_OK;
  });
}

hvr_status hvr_host_create(void* user_data, hvr_host** out) {
  return hvr::capi::CreateHandle(__func__, out, user_data);
}

void hvr_host_destroy(hvr_host* host) { delete host; }

}  // extern "C"

// The setters differ only in the member they set.
#define HVR_HOST_SETTER(function, type, member)                    \
  extern "C" hvr_status function(hvr_host* host, type fn) {       \
    return Guard(#function, [&] {                                  \
      HVR_CAPI_CHECK(RequireNonNull(host, #function, "host"));     \
      host->host.member = fn;                                      \
      return HVR_OK;                                               \
    });                                                            \
  }

HVR_HOST_SETTER(hvr_host_set_checkpoint, hvr_host_checkpoint_fn, checkpoint)
HVR_HOST_SETTER(hvr_host_set_merge_checkpoint, hvr_host_vm_fn, merge)
HVR_HOST_SETTER(hvr_host_set_rotate_logs, hvr_host_rotate_fn, rotate)
HVR_HOST_SETTER(hvr_host_set_shutdown_vm, hvr_host_vm_fn, shutdown)
HVR_HOST_SETTER(hvr_host_set_start_vm, hvr_host_vm_fn, start)
HVR_HOST_SETTER(hvr_host_set_create_azure_vm, hvr_host_azure_fn, create_azure)
HVR_HOST_SETTER(hvr_host_set_shutdown_azure_vm, hvr_host_azure_fn, shutdown_azure)
HVR_HOST_SETTER(hvr_host_set_delete_azure_vm, hvr_host_azure_fn, delete_azure)
HVR_HOST_SETTER(hvr_host_set_plan_action, hvr_host_plan_action_fn, plan_action)
HVR_HOST_SETTER(hvr_host_set_vm_running, hvr_host_running_fn, running)
HVR_HOST_SETTER(hvr_host_set_stop_tracking, hvr_host_vm_fn, stop_tracking)
