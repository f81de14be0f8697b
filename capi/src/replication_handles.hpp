// The handles of the replication section of hvr.h, shared by the files that implement
// it: engines, protection settings, hosts (C callbacks behind hvr::HostActions),
// sessions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "capi_internal.hpp"
#include "hvr.h"
#include "hvr/engine.hpp"
#include "hvr/host.hpp"
#include "hvr/protection.hpp"
#include "hvr/session.hpp"

struct hvr_engine_options {
  hvr::EngineOptions options;
  hvr_log_fn log = nullptr;
  void* log_user_data = nullptr;
};

struct hvr_engine {
  std::unique_ptr<hvr::Engine> engine;
};

struct hvr_protection {
  hvr::ProtectionSettings settings;
};

// The C callbacks, as the session's host.
class CHost final : public hvr::HostActions {
 public:
  explicit CHost(void* user_data) : user_data_(user_data) {}

  hvr::Result<std::vector<hvr::FrozenDisk>> CreateCheckpoint(const hvr::HostVm& vm) override;
  hvr::Status MergeCheckpoint(const hvr::HostVm& vm) override;
  hvr::Result<hvr::RotateResult> RotateLogs(const hvr::HostVm& vm, bool quiesce) override;
  hvr::Status ShutdownVm(const hvr::HostVm& vm) override;
  hvr::Status StartVm(const hvr::HostVm& vm) override;
  hvr::Result<bool> VmRunning(const hvr::HostVm& vm) override;
  hvr::Status StopTracking(const hvr::HostVm& vm) override;
  hvr::Status CreateAzureVm(const hvr::FailoverVm& vm) override;
  hvr::Status ShutdownAzureVm(const hvr::FailoverVm& vm) override;
  hvr::Status DeleteAzureVm(const hvr::FailoverVm& vm) override;
  hvr::Status RunPlanAction(const std::string& plan, const std::string& action) override;

  void* user_data_;
  hvr_host_checkpoint_fn checkpoint = nullptr;
  hvr_host_vm_fn merge = nullptr;
  hvr_host_rotate_fn rotate = nullptr;
  hvr_host_vm_fn shutdown = nullptr;
  hvr_host_vm_fn start = nullptr;
  hvr_host_azure_fn create_azure = nullptr;
  hvr_host_azure_fn shutdown_azure = nullptr;
  hvr_host_azure_fn delete_azure = nullptr;
  hvr_host_plan_action_fn plan_action = nullptr;
  hvr_host_running_fn running = nullptr;
  hvr_host_vm_fn stop_tracking = nullptr;
};

struct hvr_host {
  explicit hvr_host(void* user_data) : host(user_data) {}
  CHost host;
};

struct hvr_session {
  std::unique_ptr<hvr::Session> session;
};

// How a resync runs, and the token that cancels it (the deprecated aliases copy it to add
// their token argument). A resync's progress comes through the job callbacks, so of its
// controls only the token is ever set.
struct hvr_resync_options {
  hvr::ResyncOptions options;
  hvr::capi::ProgressAndCancel controls;
};

// How one of the session's operations runs: the token that cancels it (its progress
// comes through the job callbacks, as a resync's).
struct hvr_run_options {
  hvr::capi::ProgressAndCancel controls;
};
