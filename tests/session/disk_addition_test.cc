// A disk added to a protected VM, against each store with the reference guest writing:
// only that disk is sent, it joins the points from the next cycle on, failover to a point
// before it brings the VM up without it, a bad disk changes nothing, and an addition cut
// short is finished by the next one.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/use_future.hpp>
#include <fstream>

#include "session/replica_mirror.hpp"
#include "session/session_fixture.hpp"
#include "session/state_dir.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using boost::asio::use_future;
using namespace std::chrono_literals;

class DiskAdditionTest : public SessionFixture {
 protected:
  // A guest writing two disks, of which the first alone is protected, replicated
  // initially and one cycle shipped.
  void FirstOfTwoDisksReplicating() {
    MakeVm(2);
    ProtectionSettings settings = Settings();
    settings.disks.pop_back();
    session_ = Protect(settings);
    ASSERT_TRUE(session_);
    ASSERT_OK(session_->ReplicateInitially());
    Cycle();
  }
  // What the session and the target hold of a VM of disk 0 alone, unchanged by a refusal.
  void ExpectOnlyTheFirstDisk(const std::vector<std::string>& stored) {
    EXPECT_EQ(session_->settings().disks.size(), 1u);
    EXPECT_EQ(session_->status().disks.size(), 1u);
    EXPECT_EQ(DisksInStore(), stored) << "nothing made in the target";
    EXPECT_EQ(session_->jobs().back().state, JobState::kFailed);
  }
  // The next cycle makes a point of both disks, and every point, the new one's first
  // included, is the source at its time.
  void CycleAndExpectBothDisksInTheNextPoint() {
    Cycle();
    EXPECT_EQ(session_->recovery_points().back().snapshots.size(), 2u);
    ExpectPointsMatchTruth(*session_);
    ASSERT_OK_AND_ASSIGN(const VerifyReport verified, session_->Verify("latest"));
    EXPECT_TRUE(verified.identical());
  }

  void ExpectMirroredDiskCount(size_t count) {
    for (const DiskStatus& d : session_->status().disks) {
      ASSERT_OK_AND_ASSIGN(const DiskProperties replica, Store().AsyncGetDisk(d.replica, use_future).get());
      ASSERT_OK_AND_ASSIGN(const MirroredDisk mirror, ReadMirror(replica));
      EXPECT_EQ(mirror.disk_count, count) << d.replica;
    }
  }
};

TEST_P(DiskAdditionTest, OnlyTheAddedDiskIsSentAndItJoinsThePointsFromTheNextCycle) {
  FirstOfTwoDisksReplicating();
  const SessionStatus before = session_->status();
  const auto points_before = session_->recovery_points();

  // The VM writes all along: the copy is of the checkpoint's view, the writes since are
  // in the logs the next cycle ships.
  guest_->StartWriting();
  ASSERT_OK(session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}}));
  guest_->StopWriting();
  const SessionStatus added = session_->status();
  ASSERT_EQ(added.disks.size(), 2u);
  EXPECT_EQ(added.disks[1].source, disks_[1]);
  EXPECT_EQ(added.disks[1].replica, "vm01-disk1");
  EXPECT_EQ(session_->settings().disks.size(), 2u);
  EXPECT_EQ(session_->jobs().back().type, JobType::kAddDisk);
  EXPECT_GT(added.disks[1].bytes_sent, 0u);
  EXPECT_EQ(added.disks[0].bytes_sent, before.disks[0].bytes_sent) << "the other disk is not copied again";
  EXPECT_EQ(added.lifetime_statistics.bytes_sent - before.lifetime_statistics.bytes_sent, added.disks[1].bytes_sent)
      << "all that was sent is the new disk's";
  ASSERT_EQ(session_->recovery_points().size(), points_before.size()) << "no point before the next cycle";
  for (const VmRecoveryPoint& point : session_->recovery_points()) EXPECT_EQ(point.snapshots.size(), 1u);
  ExpectMirroredDiskCount(2);

  // The next cycle ships both disks' logs, the new one's since the checkpoint, and its
  // point is the first with the new disk; every point is the source at its time.
  Cycle();
  const auto points = session_->recovery_points();
  ASSERT_EQ(points.size(), points_before.size() + 1);
  EXPECT_EQ(points.back().snapshots.size(), 2u);
  ExpectPointsMatchTruth(*session_);
  ASSERT_OK_AND_ASSIGN(const VerifyReport verified, session_->Verify("latest"));
  ASSERT_EQ(verified.disks.size(), 2u);
  EXPECT_TRUE(verified.identical());
  // A point before the addition is verified for the disks it holds.
  ASSERT_OK_AND_ASSIGN(const VerifyReport older, session_->Verify(points_before.back().id));
  EXPECT_EQ(older.disks.size(), 1u);

  // It stays across a restart, and goes on replicating.
  session_.reset();
  session_ = Reopen();
  ASSERT_TRUE(session_);
  EXPECT_EQ(session_->status().disks.size(), 2u);
  guest_->StartWriting();
  Cycle();
  guest_->StopWriting();
  ExpectPointsMatchTruth(*session_);
}

TEST_P(DiskAdditionTest, FailoverToAPointBeforeTheAdditionBringsTheVmUpWithoutThatDisk) {
  FirstOfTwoDisksReplicating();
  const std::string older = session_->recovery_points().back().id;
  ASSERT_OK(session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}}));
  Cycle();
  const std::string newest = session_->recovery_points().back().id;

  ASSERT_OK_AND_ASSIGN(FailoverVm test, session_->TestFailover(older));
  ASSERT_EQ(test.disks.size(), 1u) << "the point holds the first disk alone";
  EXPECT_EQ(test.disks[0].name, "vm01-disk0-test");
  ASSERT_OK(session_->CleanupTestFailover());
  ASSERT_OK_AND_ASSIGN(test, session_->TestFailover("latest"));
  EXPECT_EQ(test.disks.size(), 2u);
  ASSERT_OK(session_->CleanupTestFailover());

  FailoverOptions to_newest;
  to_newest.point = newest;
  ASSERT_OK_AND_ASSIGN(FailoverVm vm, session_->Failover(to_newest));
  ASSERT_EQ(vm.disks.size(), 2u);
  auto stored = DisksInStore();
  EXPECT_NE(std::find(stored.begin(), stored.end(), "vm01-disk1-failover"), stored.end());
  // Moved to the point before (not committed yet): the VM has no second disk, and the
  // second disk's copy of the newer point goes.
  FailoverOptions to_older;
  to_older.point = older;
  ASSERT_OK_AND_ASSIGN(vm, session_->Failover(to_older));
  ASSERT_EQ(vm.disks.size(), 1u);
  EXPECT_EQ(vm.point_id, older);
  stored = DisksInStore();
  EXPECT_EQ(std::find(stored.begin(), stored.end(), "vm01-disk1-failover"), stored.end());
  EXPECT_NE(std::find(stored.begin(), stored.end(), "vm01-disk0-failover"), stored.end());
  // Failback would have nothing to bring the second disk back from.
  auto back = session_->FailbackSync();
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code(), Code::kInvalidReplicaState);
  EXPECT_NE(back.error().message().find("holds 1 of its 2 disks"), std::string::npos) << back.error().message();
}

TEST_P(DiskAdditionTest, ABadDiskIsRefusedAndTheProtectionStaysAsItWas) {
  FirstOfTwoDisksReplicating();
  const auto stored = DisksInStore();
  const auto refused = [&](const DiskSpec& disk, Code code, const std::string& says) {
    const Status status = session_->AddDisk(disk);
    ASSERT_FALSE(status.ok()) << disk.path;
    EXPECT_EQ(status.error().code(), code) << status.error().ToString();
    EXPECT_NE(status.error().message().find(says), std::string::npos) << status.error().message();
    ExpectOnlyTheFirstDisk(stored);
  };
  const std::string missing = scratch_.File("missing.vhdx");
  refused(DiskSpec{missing, {}, {}, {}}, Code::kNotFound, missing);
  const std::string damaged = scratch_.File("damaged.vhdx");
  std::ofstream(damaged) << std::string(8192, 'x');
  refused(DiskSpec{damaged, {}, {}, {}}, Code::kCorruptData, damaged);
  refused(DiskSpec{disks_[0], {}, {}, {}}, Code::kInvalidArgument, "protected twice");
  refused(DiskSpec{disks_[1], {}, {}, "vm01-disk0"}, Code::kInvalidArgument, "'vm01-disk0' is used twice");
  // A disk of the replica's name in the target: refused when named, skipped when not.
  ASSERT_OK(Store().AsyncCreateDisk("vm01-disk1", 1 << 20, {}, use_future).get());
  const auto with_other = DisksInStore();
  const Status taken = session_->AddDisk(DiskSpec{disks_[1], {}, {}, "vm01-disk1"});
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code(), Code::kConflict);
  EXPECT_NE(taken.error().message().find("already has a disk named 'vm01-disk1'"), std::string::npos)
      << taken.error().message();
  ExpectOnlyTheFirstDisk(with_other);
  Cycle();

  ASSERT_OK(session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}}));
  EXPECT_EQ(session_->status().disks[1].replica, "vm01-disk2");
  Cycle();
  ExpectPointsMatchTruth(*session_);
}

TEST_P(DiskAdditionTest, AnAdditionCutShortIsFinishedByTheNextAndMeanwhileTheVmReplicates) {
  FirstOfTwoDisksReplicating();
  guest_->StartWriting();
  host_.FailMerges(1);  // the copy is done, the checkpoint stays
  ASSERT_FALSE(session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}}).ok());
  guest_->StopWriting();
  session_.reset();
  session_ = Reopen();
  ASSERT_TRUE(session_);
  EXPECT_EQ(session_->settings().disks.size(), 1u);
  ASSERT_EQ(session_->status().disks.size(), 1u);
  // The VM's own disk goes on; what would need the checkpoint, or change the disks, waits.
  Cycle();
  const Status resync = session_->Resynchronize();
  ASSERT_FALSE(resync.ok());
  EXPECT_NE(resync.error().message().find("is being added"), std::string::npos) << resync.error().message();
  const Status other = session_->AddDisk(DiskSpec{scratch_.File("missing.vhdx"), {}, {}, {}});
  ASSERT_FALSE(other.ok()) << "the addition left is finished, then the other one checked";
  EXPECT_EQ(session_->status().disks.size(), 2u);

  // Done: the disk is the VM's, and adding it again is refused.
  const Status again = session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}});
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message().find("protected twice"), std::string::npos) << again.error().message();
  EXPECT_EQ(session_->status().disks.size(), 2u);
  Cycle();
  EXPECT_EQ(session_->recovery_points().back().snapshots.size(), 2u);
  ExpectPointsMatchTruth(*session_);
  session_.reset();
  ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(state_dir_, false, false));
  ASSERT_OK_AND_ASSIGN(SessionState state, dir.LoadState());
  EXPECT_FALSE(state.disk_addition.has_value());
}

TEST_P(DiskAdditionTest, AFailedCopyLetsTheHostsCheckpointGoAndTheNextAttemptTakesANewOne) {
  FirstOfTwoDisksReplicating();
  guest_->StartWriting();
  // Another agent takes the new replica's lease once the checkpoint is taken: the copy fails.
  std::unique_ptr<OtherAgentLease> other;
  std::atomic<bool> once{true};
  host_.AfterCheckpoint([&] {
    if (once.exchange(false)) other = HoldLeaseAsAnotherAgent("vm01-disk1");
  });
  const Status failed = session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}});
  ASSERT_FALSE(failed.ok());
  ASSERT_TRUE(other);
  EXPECT_FALSE(host_.checkpoint_held()) << "a failed addition holds no checkpoint: " << failed.error().ToString();
  ASSERT_EQ(session_->status().disks.size(), 1u);
  // The VM goes on replicating its disk meanwhile, and no checkpoint is taken for it.
  Cycle();
  EXPECT_FALSE(host_.checkpoint_held());
  guest_->StopWriting();

  // The lease let go, the next attempt takes a new checkpoint and finishes; what the
  // first sent is of another view, so whole chunks are compared, and every point is the
  // source at its time.
  other.reset();
  ASSERT_OK(session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}}));
  EXPECT_FALSE(host_.checkpoint_held());
  ASSERT_EQ(session_->status().disks.size(), 2u);
  CycleAndExpectBothDisksInTheNextPoint();
}

// An addition that keeps failing (another agent leases its replica) is given up by
// naming the disk to RemoveDisk: the host holds no checkpoint, the replica, which this
// agent cannot delete while another leases it, is kept, the VM replicates its own disk on,
// and the disk can be added again (under the next free replica name).
TEST_P(DiskAdditionTest, AnAdditionThatKeepsFailingIsGivenUpAndTheDiskCanBeAddedAgain) {
  FirstOfTwoDisksReplicating();
  guest_->StartWriting();
  std::unique_ptr<OtherAgentLease> other;
  std::atomic<bool> once{true};
  host_.AfterCheckpoint([&] {
    if (once.exchange(false)) other = HoldLeaseAsAnotherAgent("vm01-disk1");
  });
  ASSERT_FALSE(session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}}).ok());
  ASSERT_TRUE(other);
  Cycle();

  const Status deleting = session_->RemoveDisk(disks_[1], {true});
  ASSERT_FALSE(deleting.ok());
  EXPECT_EQ(deleting.error().code(), Code::kConflict) << deleting.error().ToString();
  EXPECT_NE(deleting.error().message().find("another agent leases it"), std::string::npos)
      << deleting.error().message();
  EXPECT_FALSE(host_.checkpoint_held());

  ASSERT_OK(session_->RemoveDisk("vm01-disk1"));
  const std::string summary = session_->jobs().back().summary;
  EXPECT_NE(summary.find("given up"), std::string::npos) << summary;
  EXPECT_NE(summary.find("kept, leased by another agent"), std::string::npos) << summary;
  EXPECT_FALSE(host_.checkpoint_held());
  EXPECT_EQ(session_->settings().disks.size(), 1u);
  EXPECT_EQ(DisksInStore(), (std::vector<std::string>{"vm01-disk0", "vm01-disk1"}));
  // Nothing is pending: the VM's disks can change again, and its points go on.
  Cycle();
  guest_->StopWriting();
  ExpectPointsMatchTruth(*session_);
  ExpectMirroredDiskCount(1);
  session_.reset();
  session_ = Reopen();
  ASSERT_TRUE(session_);
  EXPECT_EQ(session_->settings().disks.size(), 1u);
  {
    ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(state_dir_, false, true));
    ASSERT_OK_AND_ASSIGN(SessionState state, dir.LoadState());
    EXPECT_FALSE(state.disk_addition.has_value());
  }

  other.reset();
  ASSERT_OK(session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}}));
  ASSERT_EQ(session_->status().disks.size(), 2u);
  EXPECT_EQ(session_->status().disks[1].replica, "vm01-disk2");
  CycleAndExpectBothDisksInTheNextPoint();
}

// An addition cut short with the host's checkpoint taken is given up with its replica
// deleted: the checkpoint merged, nothing of the disk left in the target, and the same
// disk added again under the same replica name.
TEST_P(DiskAdditionTest, AnAdditionGivenUpWithItsReplicaDeletedLeavesNothingOfIt) {
  FirstOfTwoDisksReplicating();
  guest_->StartWriting();
  host_.FailMerges(1);  // the copy is done, the checkpoint stays
  ASSERT_FALSE(session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}}).ok());
  ASSERT_TRUE(host_.checkpoint_held());
  const size_t points = session_->recovery_points().size();

  ASSERT_OK(session_->RemoveDisk(disks_[1], {true}));
  EXPECT_FALSE(host_.checkpoint_held());
  EXPECT_EQ(DisksInStore(), std::vector<std::string>{"vm01-disk0"});
  EXPECT_EQ(session_->recovery_points().size(), points) << "the VM's points are untouched";
  // The disk is no longer being added: naming it again is naming a disk the VM lacks.
  const Status again = session_->RemoveDisk(disks_[1], {true});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kNotFound) << again.error().ToString();
  Cycle();
  guest_->StopWriting();
  ExpectPointsMatchTruth(*session_);

  ASSERT_OK(session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}}));
  EXPECT_FALSE(host_.checkpoint_held());
  ASSERT_EQ(session_->status().disks.size(), 2u);
  EXPECT_EQ(session_->status().disks[1].replica, "vm01-disk1");
  CycleAndExpectBothDisksInTheNextPoint();
}

TEST_P(DiskAdditionTest, ADiskAddedBeforeTheInitialCopyIsCopiedWithTheOthers) {
  MakeVm(2);
  ProtectionSettings settings = Settings();
  settings.disks.pop_back();
  session_ = Protect(settings);
  ASSERT_TRUE(session_);
  ASSERT_OK(session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}}));
  EXPECT_EQ(session_->status().disks[1].bytes_sent, 0u) << "nothing copied by itself";
  ASSERT_OK(session_->ReplicateInitially());
  ASSERT_EQ(session_->recovery_points().back().snapshots.size(), 2u);
  Cycle();
  ExpectPointsMatchTruth(*session_);
}

INSTANTIATE_TEST_SUITE_P(Stores, DiskAdditionTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

}  // namespace
}  // namespace hvr::testing
