// Sessions end to end against each store: a guest writes while the VM is protected,
// initially replicated and shipped cycle after cycle; every recovery point must hold
// what the source held when its log was closed.
#include <gtest/gtest.h>

#include "session/session_fixture.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;

class SessionTest : public SessionFixture {};

TEST_P(SessionTest, ProtectCopyAndShipCycles) {
  MakeVm(2);
  auto session = Protect(Settings());
  ASSERT_TRUE(session);
  EXPECT_EQ(session->status().state, ReplicationState::kEnabled);

  // Writes go on during the copy; the logs carry them.
  guest_->StartWriting();
  ASSERT_OK(session->ReplicateInitially());
  guest_->StopWriting();
  SessionStatus status = session->status();
  EXPECT_EQ(status.state, ReplicationState::kReplicating);
  EXPECT_EQ(status.recovery_point_count, 1u);
  EXPECT_EQ(status.health, Health::kNormal);

  for (int cycle = 0; cycle < 3; ++cycle) {
    ASSERT_OK(guest_->Write(200));
    clock_.Advance(30s);
    ASSERT_OK_AND_ASSIGN(const CycleReport report, session->RunCycle());
    EXPECT_TRUE(report.shipped);
    EXPECT_GT(report.bytes_sent, 0u);
  }
  status = session->status();
  EXPECT_EQ(status.recovery_point_count, 4u);
  EXPECT_EQ(status.cycles, 3u);
  ExpectPointsMatchTruth(*session);
  const auto jobs = session->jobs();
  ASSERT_GE(jobs.size(), 5u);
  EXPECT_EQ(jobs.front().type, JobType::kEnableProtection);
  for (const Job& job : jobs) EXPECT_EQ(job.state, JobState::kSucceeded) << job.id << " " << job.summary;
}

INSTANTIATE_TEST_SUITE_P(Stores, SessionTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

}  // namespace
}  // namespace hvr::testing
