// The disks of a protected VM changing while it is protected, against each store with the
// reference guest writing: a disk removed (its replica kept or deleted), and a removal a
// crash cut short, finished by running it again.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "hvr/change_tracker.hpp"
#include "session/session_fixture.hpp"
#include "session/state_dir.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using boost::asio::use_future;
using namespace std::chrono_literals;

class DisksTest : public SessionFixture {
 protected:
  // Two disks protected, replicated initially, and one cycle shipped.
  void TwoDisksReplicating() {
    MakeVm(2);
    session_ = Protect(Settings());
    ASSERT_TRUE(session_);
    ASSERT_OK(session_->ReplicateInitially());
    Cycle();
  }
  // The guest's logs of disk `i`, closed or not.
  std::vector<std::string> Logs(size_t i) {
    auto logs = ListTrackedLogs(std::filesystem::path(disks_[i]).parent_path().string(), "disk" + std::to_string(i));
    EXPECT_TRUE(logs.ok()) << logs.error().ToString();
    return logs.ok() ? *logs : std::vector<std::string>{};
  }
  // What a removed disk must leave: a VM of disk 0 alone, every point of it the source.
  void ExpectOnlyTheFirstDiskReplicated(const Session& session) {
    const SessionStatus status = session.status();
    ASSERT_EQ(status.disks.size(), 1u);
    EXPECT_EQ(status.disks[0].source, disks_[0]);
    EXPECT_EQ(session.settings().disks.size(), 1u);
    for (const VmRecoveryPoint& point : session.recovery_points()) {
      EXPECT_EQ(point.snapshots.size(), 1u) << "point " << point.id;
    }
    EXPECT_TRUE(Logs(1).empty()) << "the removed disk's tracking logs are deleted";
    ExpectPointsMatchTruth(session);
  }
};

TEST_P(DisksTest, ARemovedDiskIsNoLongerReplicatedAndItsReplicaStays) {
  TwoDisksReplicating();
  const SessionStatus before = session_->status();
  const std::string kept = before.disks[1].replica;
  const size_t points = before.recovery_point_count;

  guest_->StartWriting();
  ASSERT_OK(session_->RemoveDisk(kept));
  guest_->StopWriting();
  EXPECT_EQ(session_->status().lifetime_statistics.bytes_sent, before.lifetime_statistics.bytes_sent)
      << "removing a disk sends nothing";
  EXPECT_EQ(session_->status().recovery_point_count, points) << "the VM's points stay, without the disk";
  EXPECT_TRUE(guest_->tracking()) << "the other disk is still tracked";
  const auto events = host_.events();
  EXPECT_NE(std::find(events.begin(), events.end(), "stop tracking vm01"), events.end());
  ExpectOnlyTheFirstDiskReplicated(*session_);
  EXPECT_EQ(session_->jobs().back().type, JobType::kRemoveDisk);

  // The next cycle ships the first disk's log alone: all it sends goes to that disk, and
  // the kept replica is not written (its ETag stays).
  ASSERT_OK(guest_->Write(100));
  clock_.Advance(30s);
  const SessionStatus removed = session_->status();
  ASSERT_OK_AND_ASSIGN(const DiskProperties kept_before, Store().AsyncGetDisk(kept, use_future).get());
  ASSERT_OK_AND_ASSIGN(const CycleReport report, session_->RunCycle());
  EXPECT_EQ(report.logs, 1u);
  EXPECT_GT(report.bytes_sent, 0u);
  const SessionStatus after = session_->status();
  EXPECT_EQ(after.lifetime_statistics.bytes_sent - removed.lifetime_statistics.bytes_sent, report.bytes_sent);
  EXPECT_EQ(after.disks[0].bytes_sent - removed.disks[0].bytes_sent, report.bytes_sent);
  ASSERT_OK_AND_ASSIGN(const DiskProperties kept_after, Store().AsyncGetDisk(kept, use_future).get());
  EXPECT_EQ(kept_after.etag, kept_before.etag) << "the removed disk's replica is no longer written";
  EXPECT_TRUE(Logs(1).empty()) << "the host no longer logs the removed disk";
  ExpectOnlyTheFirstDiskReplicated(*session_);

  // The replica stays in the target, its lease free: another agent takes it at once.
  const auto stored = DisksInStore();
  EXPECT_NE(std::find(stored.begin(), stored.end(), kept), stored.end());
  ASSERT_OK(Store().AsyncAcquireLease(kept, 15s, Guid::Random().ToString(), use_future).get());
  ASSERT_OK(Store().AsyncReleaseLease(kept, use_future).get());

  // It stays removed across a restart.
  session_.reset();
  session_ = Reopen();
  ASSERT_TRUE(session_);
  ExpectOnlyTheFirstDiskReplicated(*session_);

  // The reference host asked with no disk named (hvr-guest ctl stop-tracking) stops all.
  ASSERT_OK(guest_->StopTracking(HostVm{}));
  EXPECT_FALSE(guest_->tracking());
}

TEST_P(DisksTest, ARemovedDisksReplicaIsDeletedWhenAskedAndTheLastDiskStays) {
  TwoDisksReplicating();
  const std::string first = session_->status().disks[0].replica;
  RemoveDiskOptions options;
  options.delete_replica = true;
  ASSERT_OK(session_->RemoveDisk(disks_[1], options));  // named by its path
  EXPECT_EQ(DisksInStore(), std::vector<std::string>{first});
  ExpectOnlyTheFirstDiskReplicated(*session_);

  const Status last = session_->RemoveDisk(first);
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.error().code(), Code::kInvalidArgument);
  EXPECT_NE(last.error().message().find("unprotect"), std::string::npos) << last.error().message();
  const Status unknown = session_->RemoveDisk("no-such-disk");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), Code::kNotFound);
  EXPECT_NE(unknown.error().message().find(first), std::string::npos) << "names the disks there are";
  EXPECT_EQ(session_->status().disks.size(), 1u);
  Cycle();
  ExpectOnlyTheFirstDiskReplicated(*session_);
}

TEST_P(DisksTest, ARemovalACrashCutShortBetweenTheSettingsAndTheStateIsFinishedByTheNext) {
  TwoDisksReplicating();
  const std::string removed = session_->status().disks[1].replica;
  guest_->StartWriting();
  session_.reset();
  {
    // What a crash right after the settings were saved leaves: the removal journalled,
    // the settings without the disk, the state still with it.
    ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(state_dir_, false, false));
    ASSERT_OK_AND_ASSIGN(ProtectionSettings settings, dir.LoadSettings());
    ASSERT_OK_AND_ASSIGN(SessionState state, dir.LoadState());
    state.disk_removal = DiskRemoval{settings.disks[1], true};
    ASSERT_OK(dir.SaveState(state));
    settings.disks.pop_back();
    ASSERT_OK(dir.SaveSettings(settings));
  }
  // Opened, the session describes the VM without the disk, and replicates it so.
  session_ = Reopen();
  ASSERT_TRUE(session_);
  guest_->StopWriting();
  ASSERT_EQ(session_->status().disks.size(), 1u);
  Cycle();

  // Any removal finishes the one left, whatever it names: here, a disk already gone.
  ASSERT_OK(session_->RemoveDisk(removed));
  ExpectOnlyTheFirstDiskReplicated(*session_);
  const auto stored = DisksInStore();
  EXPECT_EQ(std::find(stored.begin(), stored.end(), removed), stored.end()) << "deleted, as the removal said";
  session_.reset();
  ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(state_dir_, false, false));
  ASSERT_OK_AND_ASSIGN(SessionState state, dir.LoadState());
  EXPECT_FALSE(state.disk_removal.has_value());
  EXPECT_EQ(state.disks.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Stores, DisksTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

}  // namespace
}  // namespace hvr::testing
