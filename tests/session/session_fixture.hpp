// What the session tests share: a guest VM with VHDX disks and the reference host, an
// engine, a target of each backend, and checks of recovery points against the truth the
// guest recorded at each rotation.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "guest_workload.hpp"
#include "hvr/engine.hpp"
#include "hvr/session.hpp"
#include "integration/store_backends.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr::testing {

// The host of the tests: the reference guest for the VM's own disks, and a record of
// what the session asked of Azure and of recovery plans.
class TestHost final : public HostActions {
 public:
  // Events also go to `journal`, when given, so several hosts share one order.
  explicit TestHost(guest::GuestWorkload*& guest, TestHost* journal = nullptr) : guest_(guest), journal_(journal) {}
  Result<std::vector<FrozenDisk>> CreateCheckpoint(const HostVm& vm) override;
  Status MergeCheckpoint(const HostVm& vm) override;
  Result<RotateResult> RotateLogs(const HostVm& vm, bool quiesce) override;
  Status ShutdownVm(const HostVm& vm) override;
  Status StartVm(const HostVm& vm) override;
  Result<bool> VmRunning(const HostVm& vm) override { return guest_->VmRunning(vm); }
  Status StopTracking(const HostVm& vm) override;
  Status CreateAzureVm(const FailoverVm& vm) override;
  Status ShutdownAzureVm(const FailoverVm& vm) override;
  Status DeleteAzureVm(const FailoverVm& vm) override;
  Status RunPlanAction(const std::string& plan, const std::string& action) override;

  // The next `n` merges fail, as a host that is busy or a run that stops there would.
  void FailMerges(int n) { failing_merges_ = n; }
  // Whether a checkpoint taken is not merged yet.
  bool checkpoint_held() const { return checkpoint_held_; }
  // Runs after each checkpoint the guest takes: what the VM writes during a copy.
  void AfterCheckpoint(std::function<void()> fn) { after_checkpoint_ = std::move(fn); }
  // Runs once, after the next rotation of the logs.
  void AfterNextRotation(std::function<void()> fn) { after_rotation_ = std::move(fn); }
  std::vector<std::string> events() const;
  std::optional<FailoverVm> last_created() const;

 private:
  void Record(std::string event);
  guest::GuestWorkload*& guest_;
  TestHost* journal_;
  mutable std::mutex mu_;
  std::vector<std::string> events_;
  std::optional<FailoverVm> created_;
  std::atomic<int> failing_merges_{0};
  std::atomic<bool> checkpoint_held_{false};
  std::function<void()> after_checkpoint_;
  std::function<void()> after_rotation_;
};

class SessionFixture : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Creates `count` dynamic VHDX disks of `size` bytes with some data, and a guest on them.
  void MakeVm(size_t count = 1, uint64_t size = 32 << 20, uint32_t block_size = 4096);
  // A guest on the disks in disks_, with some data written.
  void StartGuest(uint32_t block_size = 4096);
  ProtectionSettings Settings() const;
  // session_options_ with the test's host.
  SessionOptions Options();
  std::unique_ptr<Session> Protect(const ProtectionSettings& settings);
  // One disk protected into session_ with Settings() as `adjust` changes them,
  // replicated initially, and `cycles` cycles shipped, each after `writes` guest writes
  // and an interval.
  void Replicating(int cycles, int writes = 100, const std::function<void(ProtectionSettings&)>& adjust = {});
  std::unique_ptr<Session> Reopen();
  // 100 guest writes, an interval, and a cycle of session_.
  void Cycle();
  // Another agent breaks the session's lease on `replica` (its first by default) and holds one of its
  // own, so that the next cycle fails; it lets go when the returned object goes. Null (a
  // test failure recorded) when it could not.
  struct OtherAgentLease {
    std::unique_ptr<ReplicaStore> store;
    std::string replica;
    ~OtherAgentLease();
  };
  std::unique_ptr<OtherAgentLease> HoldLeaseAsAnotherAgent(const std::string& replica = {});

  // A store on the test's target, for looking at replicas.
  ReplicaStore& Store();
  // The disks of the test's target, by name, sorted.
  std::vector<std::string> DisksInStore();
  // Digest of a disk in the store (or one of its snapshots).
  ChunkHash StoreDigest(const std::string& disk, const std::string& snapshot = {});
  // Digest of the guest's disk `disk` as the replica sees it (padded to whole MiB).
  ChunkHash SourceDigest(size_t disk);
  // Checks that every recovery point of `session` holds exactly what the guest's disks
  // held when the point's newest log was closed.
  void ExpectPointsMatchTruth(const Session& session);
  // Digest of one disk of one recovery point, read back from the store.
  ChunkHash PointDigest(const Session& session, const VmRecoveryPoint& point, size_t disk);
  // The log id a point's snapshot of `disk` was tagged with.
  std::string PointLog(const Session& session, const VmRecoveryPoint& point, size_t disk);

  TempDir scratch_;
  std::string target_;
  std::string state_dir_;
  std::vector<std::string> disks_;
  ManualClock clock_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<guest::GuestWorkload> guest_;
  guest::GuestWorkload* guest_pointer_ = nullptr;
  TestHost host_{guest_pointer_};
  std::shared_ptr<ReplicaStore> store_;
  std::unique_ptr<Session> session_;
  // What Protect and Reopen open sessions with: the retry layers wait milliseconds here.
  SessionOptions session_options_ = [] {
    SessionOptions o;
    o.request_retry.base_delay = std::chrono::milliseconds(10);
    o.request_retry.max_delay = std::chrono::milliseconds(40);
    o.operation_retry_delays = {std::chrono::milliseconds(20), std::chrono::milliseconds(50)};
    return o;
  }();
};

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info);

}  // namespace hvr::testing
