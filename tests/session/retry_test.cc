// Failures of replication attempts: recoverable ones are retried by the schedule of
// docs/retry-policy.md, non-recoverable ones stop the VM until an operator clears them.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>

#include "session/session_fixture.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;
using boost::asio::use_future;

class RetryTest : public SessionFixture {
 protected:
  void Replicating() { SessionFixture::Replicating(0); }

  // Another agent's view of the target, with its own leases.
  std::unique_ptr<ReplicaStore> OtherAgent() {
    StoreOptions options = OptionsFor(GetParam());
    options.clock = &clock_;
    auto store = OpenStore(target_, options, engine_->executor());
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }
};

TEST_P(RetryTest, ARecoverableFailureIsRetriedOnTheSchedule) {
  Replicating();
  const std::string replica = session_->status().disks[0].replica;
  auto other = OtherAgent();
  // Another agent takes the replica's lease: our writes are refused (conflict).
  ASSERT_OK(other->AsyncBreakLease(replica, 0s, use_future).get());
  ASSERT_OK(other->AsyncAcquireLease(replica, kInfiniteLease, "", use_future).get());

  ASSERT_OK(guest_->Write(20));
  clock_.Advance(30s);
  const TimePoint t0 = clock_.Now();
  ASSERT_OK_AND_ASSIGN(bool ran, session_->RunDue());
  ASSERT_TRUE(ran);
  SessionStatus status = session_->status();
  EXPECT_EQ(status.health, Health::kWarning);
  ASSERT_TRUE(status.last_error.has_value());
  EXPECT_EQ(status.last_error->code(), Code::kConflict);
  ASSERT_TRUE(status.failing_since.has_value());
  EXPECT_EQ(*status.failing_since, t0);
  // The first retry: the first replication tick at least a minute after the failure.
  ASSERT_TRUE(status.next_attempt.has_value());
  EXPECT_EQ(*status.next_attempt, t0 + 60s);
  // The reason says the error, the retries and when the next one comes.
  EXPECT_NE(status.health_reason.find(status.last_error->ToString()), std::string::npos) << status.health_reason;
  EXPECT_NE(status.health_reason.find("0 retries, next attempt "), std::string::npos) << status.health_reason;

  clock_.Advance(30s);
  ASSERT_OK_AND_ASSIGN(ran, session_->RunDue());
  EXPECT_FALSE(ran) << "half a minute after the failure is too early";
  clock_.Set(t0 + 60s);
  ASSERT_OK_AND_ASSIGN(ran, session_->RunDue());
  EXPECT_TRUE(ran);
  // Still failing: the second retry waits two minutes from the first failure.
  EXPECT_EQ(session_->status().next_attempt, t0 + 120s);

  // The other agent lets go; the next retry succeeds and health is back.
  ASSERT_OK(other->AsyncReleaseLease(replica, use_future).get());
  clock_.Set(t0 + 120s);
  ASSERT_OK_AND_ASSIGN(ran, session_->RunDue());
  EXPECT_TRUE(ran);
  status = session_->status();
  EXPECT_EQ(status.health, Health::kNormal);
  EXPECT_FALSE(status.last_error.has_value());
  EXPECT_EQ(status.recovery_point_count, 2u);
  ExpectPointsMatchTruth(*session_);
}

TEST_P(RetryTest, ANonRecoverableFailureWaitsForAnOperator) {
  Replicating();
  const std::string replica = session_->status().disks[0].replica;
  auto other = OtherAgent();
  ASSERT_OK(other->AsyncBreakLease(replica, 0s, use_future).get());
  ASSERT_OK(other->AsyncDeleteDisk(replica, use_future).get());

  clock_.Advance(30s);
  ASSERT_OK_AND_ASSIGN(bool ran, session_->RunDue());
  ASSERT_TRUE(ran);
  SessionStatus status = session_->status();
  EXPECT_EQ(status.health, Health::kCritical);
  ASSERT_TRUE(status.last_error.has_value());
  EXPECT_EQ(status.last_error->code(), Code::kNotFound);
  EXPECT_NE(status.health_reason.find("until an administrator deals with the cause"), std::string::npos)
      << status.health_reason;
  EXPECT_FALSE(session_->NextDue().has_value()) << "nothing retries a non-recoverable error";
  clock_.Advance(1h);
  ASSERT_OK_AND_ASSIGN(ran, session_->RunDue());
  EXPECT_FALSE(ran);

  ASSERT_OK(session_->ClearError());
  status = session_->status();
  EXPECT_FALSE(status.last_error.has_value());
  EXPECT_EQ(status.health, Health::kWarning) << "an hour without a recovery point is over the RPO threshold";
  // RPO alone: by how much it exceeds the threshold (three 30 s intervals).
  const std::string by = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(*status.rpo - 90s).count());
  EXPECT_NE(status.health_reason.find("exceeds the threshold of 90 s by " + by + " s"), std::string::npos)
      << status.health_reason;
  EXPECT_EQ(session_->NextDue(), clock_.Now());
}

INSTANTIATE_TEST_SUITE_P(Stores, RetryTest, ::testing::Values(Backend::kLocal), BackendParamName);

}  // namespace
}  // namespace hvr::testing
