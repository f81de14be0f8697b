// Sessions through a loopback proxy that fails requests (test_util/fault_proxy.hpp): an
// outage in the copy or in a catch-up, and how the store's retries and the session's own
// absorb it.
#include <gtest/gtest.h>

#include "session/session_fixture.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/fault_proxy.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;

// An outage in the middle of the copy (the storage answers 503 until it recovers): the
// copy fails as recoverable, and the next attempt sends only what the first did not.
class OutageTest : public SessionFixture {
 protected:
  // An outage that outlasts every retry below the VM's schedule.
  void NoRetriesBelowTheSchedule() {
    session_options_.request_retry.max_attempts = 1;
    session_options_.operation_retry_delays.clear();
  }
  // The VM protected with its requests through proxy_, where faults are injected.
  std::unique_ptr<Session> ProtectThroughProxy(int max_in_flight = 8) {
    ProtectionSettings settings = Settings();
    settings.proxy = proxy_.Url();
    settings.max_in_flight = max_in_flight;
    return Protect(settings);
  }
  // The names and messages of a job's steps, a line each.
  static std::string StepsOf(const Job& job) {
    std::string steps;
    for (const JobStep& step : job.steps) steps += step.name + ": " + step.message + "\n";
    return steps;
  }

  FaultProxy proxy_;
};

TEST_P(OutageTest, AnInterruptedCopyResumesWithoutSendingAgain) {
  NoRetriesBelowTheSchedule();
  MakeVm(1, 64 << 20);
  // 24 MiB of data, logged and rotated before protection: the copy carries it.
  ASSERT_OK(guest_->WriteAt(0, 0, PatternBytes(24 << 20, 3)));
  ASSERT_OK(guest_->RotateLogs({}, false));
  auto session = ProtectThroughProxy(2);
  ASSERT_TRUE(session);

  // The lease renewal and three 4 MiB writes go through, then the service is busy.
  proxy_.Inject({FaultProxy::Fault::kNone, FaultProxy::Fault::kNone, FaultProxy::Fault::kNone,
                FaultProxy::Fault::kNone});
  proxy_.Inject(std::vector<FaultProxy::Fault>(40, FaultProxy::Fault::kServerBusy));
  const Status first = session->ReplicateInitially();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code(), Code::kThrottled) << first.error().ToString();
  SessionStatus status = session->status();
  EXPECT_EQ(status.state, ReplicationState::kInitialReplication);
  EXPECT_EQ(status.health, Health::kWarning);
  ASSERT_TRUE(status.next_attempt.has_value());
  EXPECT_EQ(*status.next_attempt, clock_.Now() + std::chrono::minutes(1));

  proxy_.Clear();
  session.reset();
  session = Reopen();  // as a restarted process would
  ASSERT_TRUE(session);
  ASSERT_OK(session->ReplicateInitially());
  status = session->status();
  EXPECT_EQ(status.state, ReplicationState::kReplicating);
  // The first attempt wrote 12 MiB of the 24; the rest, and the guest's scattered
  // blocks, remain.
  EXPECT_GE(status.bytes_sent, uint64_t{12} << 20);
  EXPECT_LT(status.bytes_sent, uint64_t{20} << 20) << "what the first attempt wrote was sent again";
  ExpectPointsMatchTruth(*session);
}

TEST_P(OutageTest, ABriefOutageIsAbsorbedByTheStoresRetries) {
  MakeVm(1, 32 << 20);
  auto session = ProtectThroughProxy();
  ASSERT_TRUE(session);
  proxy_.Inject({FaultProxy::Fault::kServerBusy, FaultProxy::Fault::kCloseMidResponse, FaultProxy::Fault::kNone,
                FaultProxy::Fault::kServerBusy, FaultProxy::Fault::kCloseBeforeResponse, FaultProxy::Fault::kServerBusy});
  ASSERT_OK(session->ReplicateInitially());
  const SessionStatus status = session->status();
  EXPECT_EQ(status.health, Health::kNormal);
  EXPECT_FALSE(status.failing_since.has_value());
  EXPECT_FALSE(status.last_error.has_value());
  const Job job = session->jobs().back();
  EXPECT_EQ(job.state, JobState::kSucceeded);
  EXPECT_EQ(StepsOf(job).find("trying again"), std::string::npos) << StepsOf(job);
  ExpectPointsMatchTruth(*session);
}

TEST_P(OutageTest, AnOperationThatOutlivesTheRequestRetriesIsTriedAgainWithinItsJob) {
  session_options_.request_retry.max_attempts = 1;  // every failed try outlives them
  MakeVm(1, 32 << 20);
  auto session = ProtectThroughProxy();
  ASSERT_TRUE(session);
  proxy_.Inject({FaultProxy::Fault::kNone, FaultProxy::Fault::kServerBusy});
  ASSERT_OK(session->ReplicateInitially());
  const SessionStatus status = session->status();
  EXPECT_EQ(status.state, ReplicationState::kReplicating);
  EXPECT_FALSE(status.failing_since.has_value()) << "the VM-level schedule never saw the failure";
  const Job job = session->jobs().back();
  EXPECT_EQ(job.state, JobState::kSucceeded);
  EXPECT_NE(StepsOf(job).find("trying again"), std::string::npos) << "the job says it tried again:\n" << StepsOf(job);
  ExpectPointsMatchTruth(*session);
}

TEST_P(OutageTest, ACatchUpThatFailedAppliesTheLogsAgainWithoutCopyingTheDiskAgain) {
  NoRetriesBelowTheSchedule();
  MakeVm(1, 32 << 20, 4096);
  ASSERT_OK(guest_->WriteAt(0, 0, PatternBytes(24 << 20, 5)));
  ASSERT_OK(guest_->RotateLogs({}, false));
  auto session = ProtectThroughProxy();
  ASSERT_TRUE(session);
  // Writes scattered over the disk while it is copied; once the copy is done, the
  // catch-up's rotation is followed by an outage, so its first write fails.
  host_.AfterCheckpoint([&] { ASSERT_OK(guest_->Write(200)); });
  host_.AfterNextRotation([&] { proxy_.Inject(std::vector<FaultProxy::Fault>(1000, FaultProxy::Fault::kServerBusy)); });
  // The rotation before protection already happened; the next one is the catch-up's.
  const Status first = session->ReplicateInitially();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code(), Code::kThrottled) << first.error().ToString();
  const uint64_t sent_before = session->status().bytes_sent;
  EXPECT_GE(sent_before, uint64_t{24} << 20);

  proxy_.Clear();
  host_.AfterCheckpoint({});
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_OK(session->ReplicateInitially());
  const uint64_t sent_again = session->status().bytes_sent - sent_before;
  // 200 blocks of 4 KiB, whatever joins across zeros add; comparing the view again would
  // resend every 64 KiB chunk they touch (about 12 MiB).
  EXPECT_LT(sent_again, uint64_t{3} << 20) << "the finished copy was compared and sent again";
  EXPECT_EQ(session->status().state, ReplicationState::kReplicating);
  ExpectPointsMatchTruth(*session);
}

INSTANTIATE_TEST_SUITE_P(Stores, OutageTest, ::testing::Values(Backend::kAzuriteHttp), BackendParamName);

}  // namespace
}  // namespace hvr::testing
