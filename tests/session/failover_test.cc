// Failover, test failover and commit (docs/failover.md) against each store, with the
// reference guest as the on-premises VM; failback is failback_test.cc.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <atomic>
#include <random>
#include <thread>

#include "hvr/disk_create.hpp"
#include "hvr/disk_transfer.hpp"
#include "hvr/recovery_plan.hpp"
#include "session/failover_fixture.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/result_assertions.hpp"
#include "util/file.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;
using boost::asio::use_future;

TEST_P(FailoverTest, EachKindOfPointFailsOverToItsExactContent) {
  Replicating(3);
  const auto points = session_->recovery_points();
  ASSERT_EQ(points.size(), 4u);
  ASSERT_TRUE(points[1].app_consistent) << "the first cycle was due to quiesce";
  ASSERT_FALSE(points[3].app_consistent);

  // Test failovers to the latest and the latest app-consistent point...
  for (const char* which : {"latest", "latest-app-consistent"}) {
    ASSERT_OK_AND_ASSIGN(const FailoverVm test, session_->TestFailover(which));
    const VmRecoveryPoint& expected = std::string(which) == "latest" ? points[3] : points[1];
    EXPECT_EQ(test.point_id, expected.id) << which;
    EXPECT_TRUE(test.test);
    ASSERT_EQ(test.disks.size(), 1u);
    EXPECT_EQ(StoreDigest(test.disks[0].name), TruthOf(expected)) << which;
    ASSERT_OK(session_->CleanupTestFailover());
  }
  // ...then the failover itself, to a point named by its id.
  ASSERT_OK_AND_ASSIGN(const FailoverVm vm, session_->Failover({points[2].id, false}));
  EXPECT_EQ(vm.point_id, points[2].id);
  EXPECT_EQ(StoreDigest(vm.disks[0].name), TruthOf(points[2]));
  ASSERT_TRUE(host_.last_created().has_value());
  EXPECT_EQ(host_.last_created()->disks[0].name, vm.disks[0].name);
  EXPECT_FALSE(vm.disks[0].location.empty());
  EXPECT_EQ(session_->status().state, ReplicationState::kFailedOver);
  // The recovery points are untouched until the commit; replication has stopped.
  EXPECT_EQ(session_->recovery_points().size(), 4u);
  ExpectPointsMatchTruth(*session_);
  EXPECT_EQ(CodeOf(session_->RunCycle()), Code::kInvalidReplicaState);
  ASSERT_OK(session_->CommitFailover());
  EXPECT_EQ(session_->status().state, ReplicationState::kFailoverCommitted);
  EXPECT_TRUE(session_->recovery_points().empty());
  ASSERT_OK_AND_ASSIGN(const auto left, Store().AsyncListSnapshots(session_->status().disks[0].replica, use_future).get());
  EXPECT_TRUE(left.empty()) << "committing deletes the recovery points";
}

// Before commit the operator may move the failover to another point: the VM is made
// again from that point's content. After commit the point is gone and the request is
// refused, saying why.
TEST_P(FailoverTest, TheRecoveryPointChangesUntilTheFailoverIsCommitted) {
  Replicating(3);
  const auto points = session_->recovery_points();
  ASSERT_EQ(points.size(), 4u);
  ASSERT_OK_AND_ASSIGN(const FailoverVm first, session_->Failover({points[1].id, false}));
  EXPECT_EQ(first.point_id, points[1].id);

  ASSERT_OK_AND_ASSIGN(const FailoverVm moved, session_->Failover({points[2].id, false}));
  EXPECT_EQ(moved.point_id, points[2].id);
  const ChunkHash truth = TruthOf(points[2]);
  EXPECT_EQ(StoreDigest(moved.disks[0].name), truth);
  const auto events = host_.events();
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events[events.size() - 2], "delete azure vm vm01");
  EXPECT_EQ(events.back(), "create azure vm vm01 from point " + points[2].id);
  EXPECT_EQ(session_->status().state, ReplicationState::kFailedOver);
  EXPECT_EQ(session_->recovery_points().size(), 4u) << "the points stay until the commit";

  // Asking for the point it is at changes nothing.
  ASSERT_OK_AND_ASSIGN(const FailoverVm same, session_->Failover({points[2].id, false}));
  EXPECT_EQ(same.point_id, points[2].id);
  EXPECT_EQ(host_.events().size(), events.size());

  ASSERT_OK(session_->CommitFailover());
  const auto refused = session_->Failover({points[3].id, false});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), Code::kInvalidReplicaState);
  EXPECT_NE(refused.error().message().find("was committed"), std::string::npos) << refused.error().ToString();
  EXPECT_EQ(StoreDigest(moved.disks[0].name), truth) << "the committed VM's disks stay as they were";
}

// While one process runs the VM (run --follow), another asks for the failover: the
// running one performs it at its next RunDue, and the asker hears how it ended.
TEST_P(FailoverTest, AFailoverIsAskedOfTheProcessRunningTheVm) {
  Replicating(2);
  const auto points = session_->recovery_points();
  const ChunkHash truth = TruthOf(points[1]);
  ASSERT_OK_AND_ASSIGN(auto asker, Session::Open(*engine_, state_dir_, Options(), true));
  EXPECT_EQ(CodeOf(Session::Open(*engine_, state_dir_, Options())), Code::kConflict) << "the VM is held";
  std::atomic<bool> stop{false};
  std::thread running([&] {
    while (!stop) {
      EXPECT_OK(session_->RunDue());
      std::this_thread::sleep_for(20ms);
    }
  });
  ASSERT_OK_AND_ASSIGN(const FailoverVm vm, asker->Failover({points[1].id, false}));
  EXPECT_EQ(vm.point_id, points[1].id);
  EXPECT_EQ(session_->status().state, ReplicationState::kFailedOver);
  EXPECT_EQ(StoreDigest(vm.disks[0].name), truth);
  ASSERT_TRUE(host_.last_created().has_value());
  EXPECT_EQ(host_.last_created()->point_id, points[1].id);

  // A request the running process refuses comes back with its error.
  const auto unknown = asker->Failover({"999", false});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("999"), std::string::npos) << unknown.error().ToString();
  stop = true;
  running.join();

  // Nobody runs the VM any more: the asker is told so instead of waiting for ever.
  session_.reset();
  const auto alone = asker->Failover({points[0].id, false});
  ASSERT_FALSE(alone.ok());
  EXPECT_EQ(alone.error().code(), Code::kConflict) << alone.error().ToString();
  EXPECT_NE(alone.error().message().find("stopped before it failed over"), std::string::npos)
      << alone.error().ToString();
}

TEST_P(FailoverTest, APlannedFailoverLosesNothing) {
  Replicating(1);
  // Writes after the last point: only the failover's own last cycle can carry them.
  ASSERT_OK(guest_->Write(50));
  const ChunkHash last_point = PointDigest(*session_, session_->recovery_points().back(), 0);
  ASSERT_NE(last_point, SourceDigest(0)) << "the guest wrote nothing the last point lacks";
  clock_.Advance(30s);
  ASSERT_OK_AND_ASSIGN(const FailoverVm vm, session_->Failover({"latest", true}));
  EXPECT_TRUE(vm.planned);
  EXPECT_FALSE(guest_->running()) << "the host shut the VM down first";
  // Everything the guest wrote before the shut down is in the failed-over disk.
  EXPECT_EQ(StoreDigest(vm.disks[0].name), SourceDigest(0));
  const auto events = host_.events();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0], "shutdown vm01");
}

TEST_P(FailoverTest, ATestFailoverLeavesReplicationAlone) {
  Replicating(1);
  ASSERT_OK_AND_ASSIGN(const FailoverVm test, session_->TestFailover("latest"));
  EXPECT_EQ(test.vm_name, "vm01-test");
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK(guest_->Write(50));
    clock_.Advance(30s);
    ASSERT_OK(session_->RunCycle());
  }
  EXPECT_EQ(session_->status().state, ReplicationState::kReplicating);
  EXPECT_EQ(session_->recovery_points().size(), 4u);
  ExpectPointsMatchTruth(*session_);
  ASSERT_OK(session_->CleanupTestFailover());
  EXPECT_EQ(CodeOf(Store().AsyncGetDisk(test.disks[0].name, use_future).get()), Code::kNotFound);
  EXPECT_EQ(host_.events().back(), "delete azure vm vm01-test");
  EXPECT_EQ(CodeOf(session_->CleanupTestFailover()), Code::kInvalidReplicaState);
}

// Instantiates failback_test.cc's cases of the suite too.
INSTANTIATE_TEST_SUITE_P(Stores, FailoverTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

}  // namespace
}  // namespace hvr::testing

namespace hvr::testing {
namespace {

// Three VMs in three groups: groups run in order, with their actions around them, and a
// failure stops the plan unless it is told to go on.
class RecoveryPlanTest : public ::testing::Test {
 protected:
  struct Vm {
    std::unique_ptr<guest::GuestWorkload> guest;
    guest::GuestWorkload* pointer = nullptr;
    std::unique_ptr<TestHost> host;
    std::unique_ptr<Session> session;
  };

  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(engine_, Engine::Create());
    for (int i = 0; i < 3; ++i) {
      Vm vm;
      const std::string disk = scratch_.File("vm" + std::to_string(i) + ".vhdx");
      VhdxCreateOptions create;
      create.virtual_size = 8 << 20;
      ASSERT_OK(CreateVhdx(disk, create));
      guest::GuestOptions options;
      options.disks = {disk};
      options.seed = static_cast<uint64_t>(i + 1);
      ASSERT_OK_AND_ASSIGN(vm.guest, guest::GuestWorkload::Start(options));
      vm.pointer = vm.guest.get();
      vm.host = std::make_unique<TestHost>(vm.pointer, &actions_);
      ASSERT_OK(vm.guest->Write(50));
      ProtectionSettings settings;
      settings.vm_name = "tier" + std::to_string(i);
      settings.disks = {DiskSpec{disk, {}, {}, {}}};
      settings.target = scratch_.File("store");
      SessionOptions session_options;
      session_options.host = vm.host.get();
      ASSERT_OK_AND_ASSIGN(vm.session, Session::Protect(*engine_, scratch_.File("state" + std::to_string(i)),
                                                        settings, session_options));
      ASSERT_OK(vm.session->ReplicateInitially());
      vms_.push_back(std::move(vm));
    }
  }

  void TearDown() override {
    for (Vm& vm : vms_) vm.session.reset();
  }

  RecoveryPlan ThreeGroups() {
    RecoveryPlan plan;
    plan.name = "app";
    for (int i = 0; i < 3; ++i) {
      plan.groups.push_back(RecoveryPlanGroup{{vms_[i].session.get()},
                                              {"before group " + std::to_string(i)},
                                              {"after group " + std::to_string(i)}});
    }
    return plan;
  }

  TempDir scratch_;
  guest::GuestWorkload* no_guest_ = nullptr;
  TestHost actions_{no_guest_};  // runs the plan's actions and keeps every host's events
  std::unique_ptr<Engine> engine_;
  std::vector<Vm> vms_;
};

TEST_F(RecoveryPlanTest, GroupsRunInOrderWithTheirActions) {
  PlanOptions options;
  options.kind = PlanFailover::kTest;
  options.host = &actions_;
  ASSERT_OK_AND_ASSIGN(const PlanOutcome outcome, RunRecoveryPlan(ThreeGroups(), options));
  EXPECT_TRUE(outcome.succeeded());
  EXPECT_EQ(outcome.groups_run, 3u);
  ASSERT_EQ(outcome.vms.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(outcome.vms[i].group, i);
    EXPECT_EQ(outcome.vms[i].vm_name, "tier" + std::to_string(i));
    ASSERT_TRUE(outcome.vms[i].vm.has_value());
    EXPECT_TRUE(outcome.vms[i].vm->test);
  }
  // Each group's VM fails over between the group's actions, and groups follow each other.
  const std::vector<std::string> expected = {
      "plan app: before group 0", "create azure vm tier0-test from point 1", "plan app: after group 0",
      "plan app: before group 1", "create azure vm tier1-test from point 1", "plan app: after group 1",
      "plan app: before group 2", "create azure vm tier2-test from point 1", "plan app: after group 2"};
  EXPECT_EQ(actions_.events(), expected);
  for (Vm& vm : vms_) EXPECT_EQ(vm.session->status().state, ReplicationState::kReplicating) << "test failovers";
}

TEST_F(RecoveryPlanTest, AFailureStopsThePlanUnlessToldToGoOn) {
  // The second group's first action fails.
  RecoveryPlan plan = ThreeGroups();
  plan.groups[1].before = {"fail: the database did not come up"};
  PlanOptions options;
  options.host = &actions_;
  ASSERT_OK_AND_ASSIGN(PlanOutcome outcome, RunRecoveryPlan(plan, options));
  EXPECT_FALSE(outcome.succeeded());
  ASSERT_TRUE(outcome.first_error.has_value());
  EXPECT_NE(outcome.first_error->message().find("the database did not come up"), std::string::npos);
  EXPECT_EQ(outcome.groups_run, 2u);
  EXPECT_EQ(vms_[0].session->status().state, ReplicationState::kFailedOver);
  EXPECT_EQ(vms_[1].session->status().state, ReplicationState::kReplicating) << "its group stopped at the action";
  EXPECT_EQ(vms_[2].session->status().state, ReplicationState::kReplicating) << "the third group never ran";

  // Told to go on, the rest fails over (the first VM's failover is done already: it
  // answers with it).
  plan.continue_on_failure = true;
  ASSERT_OK_AND_ASSIGN(outcome, RunRecoveryPlan(plan, options));
  EXPECT_FALSE(outcome.succeeded());
  EXPECT_EQ(outcome.groups_run, 3u);
  ASSERT_EQ(outcome.vms.size(), 3u);
  for (const PlanVmOutcome& vm : outcome.vms) EXPECT_TRUE(vm.result.ok()) << vm.vm_name;
  for (Vm& vm : vms_) EXPECT_EQ(vm.session->status().state, ReplicationState::kFailedOver);
}

}  // namespace
}  // namespace hvr::testing
