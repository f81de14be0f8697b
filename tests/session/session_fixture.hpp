// What the session tests share: a guest VM with VHDX disks and the reference host, an
// engine, a target of each backend, and checks of recovery points against the truth the
// guest recorded at each rotation.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "guest_workload.hpp"
#include "hvr/engine.hpp"
#include "hvr/session.hpp"
#include "integration/store_backends.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr::testing {

class SessionFixture : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Creates `count` dynamic VHDX disks of `size` bytes with some data, and a guest on them.
  void MakeVm(size_t count = 1, uint64_t size = 32 << 20, uint32_t block_size = 4096);
  ProtectionSettings Settings() const;
  std::unique_ptr<Session> Protect(const ProtectionSettings& settings);
  std::unique_ptr<Session> Reopen();

  // A store on the test's target, for looking at replicas.
  ReplicaStore& Store();
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
  std::shared_ptr<ReplicaStore> store_;
};

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info);

}  // namespace hvr::testing
