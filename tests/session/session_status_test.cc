// The status projection: health, its reason and the next attempt, from a state and
// settings alone (session/session_status.hpp).
#include "session/session_status.hpp"

#include <gtest/gtest.h>

namespace hvr {
namespace {

using namespace std::chrono_literals;

class StatusOfTest : public ::testing::Test {
 protected:
  StatusOfTest() {
    settings_.vm_name = "vm";  // interval 5 minutes, so an RPO threshold of 15
    state_.state = ReplicationState::kReplicating;
    state_.last_cycle = now_ - 1min;
    VmRecoveryPoint point;
    point.sequence = 7;
    point.id = "7";
    point.source_time = now_ - 2min;
    state_.points.push_back(point);
    DiskState disk;
    disk.source = "/vms/vm.vhdx";
    disk.replica = "vm-disk0";
    disk.sync_done = disk.sync_total = 1 << 20;
    state_.disks.push_back(disk);
  }

  SessionStatus Status() const { return StatusOf(state_, settings_, now_); }
  bool ReasonSays(const std::string& words) const { return Status().health_reason.find(words) != std::string::npos; }

  const TimePoint now_ = TimePoint(std::chrono::hours(24 * 365 * 50));
  ProtectionSettings settings_;
  SessionState state_;
};

TEST_F(StatusOfTest, AReplicatingVmWithinItsRpoIsHealthy) {
  const SessionStatus status = Status();
  EXPECT_EQ(status.vm_name, "vm");
  EXPECT_EQ(status.health, Health::kNormal);
  EXPECT_EQ(status.health_reason, "");
  EXPECT_FALSE(status.last_error.has_value());
  ASSERT_TRUE(status.rpo.has_value());
  EXPECT_EQ(*status.rpo, Duration(2min));
  ASSERT_TRUE(status.latest_point.has_value());
  EXPECT_EQ(status.latest_point->id, "7");
  EXPECT_EQ(status.recovery_point_count, 1u);
  EXPECT_EQ(status.sync_percent, 100.0);
  // The next cycle: one interval after the last.
  ASSERT_TRUE(status.next_attempt.has_value());
  EXPECT_EQ(*status.next_attempt, now_ + 4min);
}

TEST_F(StatusOfTest, AnRpoPastItsThresholdIsAWarningThatSaysByHowMuch) {
  state_.points.back().source_time = now_ - 20min;
  EXPECT_EQ(Status().health, Health::kWarning);
  EXPECT_TRUE(ReasonSays("RPO 1200 s exceeds the threshold of 900 s by 300 s")) << Status().health_reason;
  settings_.rpo_threshold = 30min;
  EXPECT_EQ(Status().health, Health::kNormal);
}

TEST_F(StatusOfTest, AFailureBeingRetriedIsAWarningWithItsRetriesAndNextAttempt) {
  FailureHistory failure;
  failure.first_failure = failure.last_attempt = now_ - 30s;
  failure.retries = 0;
  failure.last_error = Error(Code::kNetwork, "connection refused");
  state_.failure = failure;
  const SessionStatus status = Status();
  EXPECT_EQ(status.health, Health::kWarning);
  ASSERT_TRUE(status.last_error.has_value());
  EXPECT_EQ(status.last_error->code(), Code::kNetwork);
  ASSERT_TRUE(status.failing_since.has_value());
  EXPECT_EQ(*status.failing_since, now_ - 30s);
  EXPECT_EQ(status.retries, 0);
  ASSERT_TRUE(status.next_attempt.has_value());
  EXPECT_GT(*status.next_attempt, now_);
  EXPECT_TRUE(ReasonSays("connection refused")) << status.health_reason;
  EXPECT_TRUE(ReasonSays("0 retries, next attempt ")) << status.health_reason;
}

TEST_F(StatusOfTest, ANonRecoverableErrorIsCriticalAndNothingIsDue) {
  state_.critical = Error(Code::kAuthFailed, "the key was refused");
  const SessionStatus status = Status();
  EXPECT_EQ(status.health, Health::kCritical);
  ASSERT_TRUE(status.last_error.has_value());
  EXPECT_EQ(status.last_error->code(), Code::kAuthFailed);
  EXPECT_FALSE(status.next_attempt.has_value());
  EXPECT_TRUE(ReasonSays("the key was refused")) << status.health_reason;
  EXPECT_TRUE(ReasonSays("(clear the error)")) << status.health_reason;
}

TEST_F(StatusOfTest, ASuspendedVmIsAWarningAndNothingIsDue) {
  state_.suspended_since = now_ - 1h;
  const SessionStatus status = Status();
  EXPECT_EQ(status.health, Health::kWarning);
  ASSERT_TRUE(status.suspended_since.has_value());
  EXPECT_FALSE(status.next_attempt.has_value());
  EXPECT_TRUE(ReasonSays("replication suspended by an operator since ")) << status.health_reason;
}

TEST_F(StatusOfTest, ARequiredResyncIsAWarningThatSaysWhyAndWhen) {
  state_.state = ReplicationState::kResyncRequired;
  state_.resync_reason = "the log chain has a gap";
  state_.resync_by_hand = true;
  const SessionStatus status = Status();
  EXPECT_EQ(status.health, Health::kWarning);
  ASSERT_TRUE(status.last_error.has_value());
  EXPECT_EQ(status.last_error->code(), Code::kResyncRequired);
  ASSERT_TRUE(status.next_attempt.has_value());
  EXPECT_EQ(*status.next_attempt, now_);
  EXPECT_TRUE(ReasonSays("resync required: the log chain has a gap; it runs ")) << status.health_reason;
}

TEST_F(StatusOfTest, ACopyShowsHowFarItGotAndIsDueAtOnce) {
  state_.state = ReplicationState::kInitialReplication;
  state_.disks[0].sync_done = 1 << 19;
  state_.disks[0].sync_total = 1 << 20;
  const SessionStatus status = Status();
  EXPECT_EQ(status.sync_percent, 50.0);
  ASSERT_TRUE(status.next_attempt.has_value());
  EXPECT_EQ(*status.next_attempt, now_);
  EXPECT_EQ(status.health, Health::kNormal);
}

TEST_F(StatusOfTest, AFailedOverVmHasNothingDue) {
  state_.state = ReplicationState::kFailedOver;
  EXPECT_FALSE(Status().next_attempt.has_value());
}

}  // namespace
}  // namespace hvr
