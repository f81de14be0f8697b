// Events (hvr/event.hpp, docs/monitoring.md): the ids and order a scripted life of a VM
// produces, from protection to a planned failover, as the C++ callback receives them.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <mutex>

#include "session/session_fixture.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;
using boost::asio::use_future;

class EventsTest : public SessionFixture {
 protected:
  void SetUp() override {
    SessionFixture::SetUp();
    session_options_.on_event = [this](const Event& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
    };
  }

  // The events received since the last call, and forgets them.
  std::vector<Event> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(events_, {});
  }
  static std::vector<std::string> Names(const std::vector<Event>& events) {
    std::vector<std::string> names;
    for (const Event& e : events) names.push_back(EventName(e.id));
    return names;
  }

  std::mutex mu_;
  std::vector<Event> events_;
};

TEST_P(EventsTest, AScriptedLifeGivesItsEventsInOrder) {
  using V = std::vector<std::string>;
  MakeVm(1);
  session_ = Protect(Settings());
  ASSERT_TRUE(session_);
  EXPECT_EQ(Names(Take()), V{"protection_enabled"});

  ASSERT_OK(session_->ReplicateInitially());
  std::vector<Event> got = Take();
  ASSERT_EQ(Names(got), (V{"state_changed", "recovery_point_taken", "state_changed"}));
  EXPECT_EQ(got[0].previous_state, ReplicationState::kEnabled);
  EXPECT_EQ(got[0].state, ReplicationState::kInitialReplication);
  EXPECT_EQ(got[1].point_id, "1");
  EXPECT_EQ(got[2].state, ReplicationState::kReplicating);
  EXPECT_EQ(got[2].vm_name, "vm01");

  ASSERT_OK(guest_->Write(40));
  clock_.Advance(30s);
  ASSERT_OK(session_->RunCycle());
  got = Take();
  ASSERT_EQ(Names(got), V{"recovery_point_taken"});
  EXPECT_EQ(got[0].point_id, "2");

  // Another agent holds the replica's lease: the cycle fails, and is retried later.
  auto other = HoldLeaseAsAnotherAgent();
  ASSERT_TRUE(other);
  ASSERT_OK(guest_->Write(40));
  clock_.Advance(30s);
  EXPECT_FALSE(session_->RunCycle().ok());
  got = Take();
  ASSERT_EQ(Names(got), (V{"retry_scheduled", "health_changed"}));
  EXPECT_NE(got[0].reason.find("lease"), std::string::npos) << got[0].reason;
  ASSERT_TRUE(got[0].next_attempt);
  EXPECT_EQ(got[0].next_attempt, session_->status().next_attempt);
  EXPECT_EQ(got[1].previous_health, Health::kNormal);
  EXPECT_EQ(got[1].health, Health::kWarning);
  EXPECT_EQ(got[1].reason, session_->status().health_reason);

  other.reset();  // lets go of its lease
  clock_.Advance(10min);
  ASSERT_OK(session_->RunDue());
  got = Take();
  ASSERT_EQ(Names(got), (V{"recovery_point_taken", "health_changed"}));
  EXPECT_EQ(got[1].health, Health::kNormal);
  EXPECT_TRUE(got[1].reason.empty());

  ASSERT_OK(session_->RequestResync("an operator asked"));
  ASSERT_OK(session_->RunDue());
  got = Take();
  ASSERT_EQ(Names(got), (V{"state_changed", "resync_required", "health_changed", "state_changed",
                           "recovery_point_taken", "state_changed", "health_changed"}));
  EXPECT_EQ(got[0].state, ReplicationState::kResyncRequired);
  EXPECT_EQ(got[1].reason, "an operator asked");
  EXPECT_EQ(got[2].health, Health::kWarning);
  EXPECT_EQ(got[3].state, ReplicationState::kResynchronizing);
  EXPECT_EQ(got[5].state, ReplicationState::kReplicating);
  EXPECT_EQ(got[6].health, Health::kNormal);

  // A planned failover: each of its steps as it ends, with the point its last cycle takes
  // and the states it passes.
  ASSERT_OK(guest_->Write(40));
  clock_.Advance(30s);
  ASSERT_OK(session_->Failover({"latest", true}));
  got = Take();
  const Job failover = session_->jobs().back();
  V steps, others;
  for (const Event& e : got) {
    if (e.id == EventId::kFailoverStepEnded) {
      EXPECT_EQ(e.job_id, failover.id);
      EXPECT_EQ(e.job_type, JobType::kPlannedFailover);
      steps.push_back(e.step);
    } else {
      others.push_back(EventName(e.id) + std::string(e.id == EventId::kStateChanged ? ReplicationStateName(e.state) : ""));
    }
  }
  V job_steps;
  for (const JobStep& step : failover.steps) job_steps.push_back(step.name);
  EXPECT_EQ(steps, job_steps) << "every step, once, in order";
  EXPECT_EQ(others, (V{"recovery_point_taken", "state_changedfailing_over", "state_changedfailed_over"}));
  EXPECT_EQ(got.back().id, EventId::kFailoverStepEnded) << "the last step ends with the job";
}

// The ids are part of the ABI: renumbering one breaks monitoring rules written for it.
TEST(EventIds, AreStable) {
  EXPECT_EQ(static_cast<int>(EventId::kProtectionEnabled), 1);
  EXPECT_EQ(static_cast<int>(EventId::kStateChanged), 2);
  EXPECT_EQ(static_cast<int>(EventId::kHealthChanged), 3);
  EXPECT_EQ(static_cast<int>(EventId::kResyncRequired), 4);
  EXPECT_EQ(static_cast<int>(EventId::kRecoveryPointTaken), 5);
  EXPECT_EQ(static_cast<int>(EventId::kRetryScheduled), 6);
  EXPECT_EQ(static_cast<int>(EventId::kFailoverStepEnded), 7);
}

INSTANTIATE_TEST_SUITE_P(Stores, EventsTest, ::testing::Values(Backend::kLocal), BackendParamName);

}  // namespace
}  // namespace hvr::testing
