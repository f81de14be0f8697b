// Taking a VM over from its replicas (Session::Adopt) and protecting onto replicas that
// already hold a copy (ProtectOptions::seed): neither sends a full copy, the points stay
// the source's, and the agent adopted from never writes again.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "hvr/change_tracker.hpp"
#include "hvr/disk_transfer.hpp"
#include "session/recovery_points.hpp"
#include "session/session_fixture.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using boost::asio::use_future;
using namespace std::chrono_literals;

constexpr uint64_t kDiskSize = 32 << 20;

class AdoptTest : public SessionFixture {
 protected:
  // Another agent: its own engine (as another process has) and agent id file (as another
  // host has), adopting into its own state directory.
  Result<std::unique_ptr<Session>> AdoptElsewhere(const std::string& dir, const AdoptOptions& adopt = {}) {
    if (!other_engine_) {
      EngineOptions options;
      options.clock = &clock_;
      HVR_ASSIGN_OR_RETURN(other_engine_, Engine::Create(options));
    }
    SessionOptions options = Options();
    options.agent_id_file = scratch_.File("other-host-agent-id");
    return Session::Adopt(*other_engine_, dir, Settings(), adopt, options);
  }
  // The state directory is lost, and the VM goes on writing.
  void LoseStateDirectory() {
    session_.reset();
    std::filesystem::remove_all(state_dir_);
  }
  // The adopted session holds `points`, each with its snapshots and sizes (`why` says which
  // points that takes in), each restoring to what the source held at its time, the oldest
  // on one disk; it then takes over: a cycle, and a point more.
  void ExpectAdoptionKeepsEveryPoint(std::unique_ptr<Session> adopted, const std::vector<VmRecoveryPoint>& points,
                                     const std::string& why) {
    EXPECT_EQ(adopted->status().state, ReplicationState::kReplicating) << adopted->status().resync_reason;
    const auto kept = adopted->recovery_points();
    ASSERT_EQ(kept.size(), points.size()) << why;
    for (size_t i = 0; i < kept.size(); ++i) {
      EXPECT_EQ(kept[i].id, points[i].id);
      EXPECT_EQ(kept[i].snapshots, points[i].snapshots) << "point " << kept[i].id;
      EXPECT_EQ(kept[i].disk_sizes, points[i].disk_sizes) << "point " << kept[i].id;
    }
    ExpectPointsMatchTruth(*adopted);
    ASSERT_OK_AND_ASSIGN(const VerifyReport older, adopted->Verify(points.front().id));
    EXPECT_EQ(older.disks.size(), 1u);
    session_ = std::move(adopted);
    Cycle();
    EXPECT_EQ(session_->recovery_points().size(), points.size() + 1);
    ExpectPointsMatchTruth(*session_);
  }
  std::unique_ptr<Engine> other_engine_;
};

TEST_P(AdoptTest, AfterTheStateDirectoryIsLostDeltaCyclesContinue) {
  Replicating(2, 50);
  const auto points = session_->recovery_points();
  LoseStateDirectory();
  ASSERT_OK(guest_->Write(50));
  clock_.Advance(30s);

  ASSERT_OK_AND_ASSIGN(auto adopted, Session::Adopt(*engine_, scratch_.File("state2"), Settings(), {}, Options()));
  SessionStatus status = adopted->status();
  EXPECT_EQ(status.state, ReplicationState::kReplicating) << status.resync_reason;
  ASSERT_EQ(adopted->recovery_points().size(), points.size());
  EXPECT_EQ(adopted->recovery_points().back().snapshots, points.back().snapshots);

  ASSERT_OK_AND_ASSIGN(const CycleReport cycle, adopted->RunCycle());
  EXPECT_TRUE(cycle.shipped);
  // 50 writes of 4 KiB: nothing like the disk.
  EXPECT_LT(cycle.bytes_sent, kDiskSize / 8) << cycle.bytes_sent;
  EXPECT_EQ(adopted->status().bytes_sent, cycle.bytes_sent) << "adopting sent nothing";
  EXPECT_EQ(adopted->recovery_points().size(), points.size() + 1);
  ExpectPointsMatchTruth(*adopted);
}

TEST_P(AdoptTest, AfterADiskWasAddedThePointsFromBeforeItAreKept) {
  // The VM's first disk protected, two points; then its second added, two more.
  MakeVm(2);
  ProtectionSettings first_disk = Settings();
  first_disk.disks.pop_back();
  session_ = Protect(first_disk);
  ASSERT_TRUE(session_);
  ASSERT_OK(session_->ReplicateInitially());
  Cycle();
  ASSERT_OK(session_->AddDisk(DiskSpec{disks_[1], {}, {}, {}}));
  Cycle();
  Cycle();
  const auto points = session_->recovery_points();
  ASSERT_GE(points.size(), 4u);
  EXPECT_EQ(points.front().snapshots.size(), 1u);
  EXPECT_EQ(points.back().snapshots.size(), 2u);
  // A point whose tag has neither disk count nor disk set (as replicas written before
  // tags carried them) must be on every disk: this one, on the first alone, is not a point.
  const std::string first_replica = session_->status().disks[0].replica;
  ASSERT_OK_AND_ASSIGN(const auto snapshots, Store().AsyncListSnapshots(first_replica, use_future).get());
  SnapshotOptions untold;
  untold.metadata = snapshots.front().metadata;
  untold.metadata.erase("disks");
  untold.metadata.erase("disk_set");
  untold.metadata["point"] = "1000";
  ASSERT_OK(Store().AsyncCreateSnapshot(first_replica, untold, use_future).get());
  LoseStateDirectory();

  ASSERT_OK_AND_ASSIGN(auto adopted, Session::Adopt(*engine_, scratch_.File("state2"), Settings(), {}, Options()));
  ExpectAdoptionKeepsEveryPoint(std::move(adopted), points, "every point, those of one disk included, and no other");
}

TEST_P(AdoptTest, AfterADiskWasRemovedAndAnotherAddedEachPointKeepsItsDisks) {
  // Disks A and B protected, a point; B removed, a point; C added, two points. The
  // points from before the removal were taken with two disks, as the VM has now, but not
  // the same two: their disk set says which.
  MakeVm(3);
  ProtectionSettings a_and_b = Settings();
  a_and_b.disks.pop_back();
  session_ = Protect(a_and_b);
  ASSERT_TRUE(session_);
  ASSERT_OK(session_->ReplicateInitially());
  Cycle();
  const std::string b_replica = session_->status().disks[1].replica;
  ASSERT_OK(session_->RemoveDisk(disks_[1]));
  Cycle();
  ASSERT_OK(session_->AddDisk(DiskSpec{disks_[2], {}, {}, {}}));
  Cycle();
  Cycle();
  const auto points = session_->recovery_points();
  ASSERT_GE(points.size(), 4u);
  EXPECT_EQ(points.front().snapshots.size(), 1u) << "the removal took B out of the points before it";
  EXPECT_EQ(points.back().snapshots.size(), 2u);
  const SessionStatus status = session_->status();
  ASSERT_EQ(status.disks.size(), 2u);
  ASSERT_OK_AND_ASSIGN(const auto first_snapshots, Store().AsyncListSnapshots(status.disks[0].replica, use_future).get());
  ASSERT_FALSE(first_snapshots.empty());
  EXPECT_EQ(first_snapshots.front().metadata.at("disks"), "2") << "a count alone would ask C of this point";
  EXPECT_EQ(first_snapshots.front().metadata.at("disk_set"),
            DiskDigest(status.disks[0].replica) + "," + DiskDigest(b_replica));
  LoseStateDirectory();

  ProtectionSettings a_and_c = Settings();
  a_and_c.disks.erase(a_and_c.disks.begin() + 1);
  for (size_t i = 0; i < a_and_c.disks.size(); ++i) a_and_c.disks[i].replica_name = status.disks[i].replica;
  ASSERT_OK_AND_ASSIGN(auto adopted, Session::Adopt(*engine_, scratch_.File("state2"), a_and_c, {}, Options()));
  // A alone before C was added.
  ExpectAdoptionKeepsEveryPoint(std::move(adopted), points, "every point, those from before the removal included");
}

TEST_P(AdoptTest, AReplicaNameReusedAfterItsReplicaWasDeletedKeepsThePointsBeforeOnTheOtherDisks) {
  // Disks A and B protected, two points; B removed with its replica, a point; B added
  // again under the same replica name, two points. The points from before the removal
  // name B's replica name in their disk set, as those after the addition do, but the
  // new replica holds none of their snapshots: they hold A alone, as the journal had them.
  MakeVm(2);
  session_ = Protect(Settings());
  ASSERT_TRUE(session_);
  ASSERT_OK(session_->ReplicateInitially());
  Cycle();
  const SessionStatus before = session_->status();
  const std::string b_replica = before.disks[1].replica;
  RemoveDiskOptions deleting;
  deleting.delete_replica = true;
  ASSERT_OK(session_->RemoveDisk(b_replica, deleting));
  Cycle();
  ASSERT_OK(session_->AddDisk(DiskSpec{disks_[1], {}, {}, b_replica}));
  Cycle();
  Cycle();
  const auto points = session_->recovery_points();
  ASSERT_GE(points.size(), 5u);
  EXPECT_EQ(points.front().snapshots.size(), 1u) << "the removal took B out of the points before it";
  EXPECT_EQ(points.back().snapshots.size(), 2u);
  ASSERT_OK_AND_ASSIGN(const auto a_snapshots, Store().AsyncListSnapshots(before.disks[0].replica, use_future).get());
  ASSERT_OK_AND_ASSIGN(const auto b_snapshots, Store().AsyncListSnapshots(b_replica, use_future).get());
  ASSERT_FALSE(a_snapshots.empty());
  ASSERT_FALSE(b_snapshots.empty());
  EXPECT_EQ(a_snapshots.front().metadata.at("disk_set"), b_snapshots.back().metadata.at("disk_set"))
      << "the same names, so the same set: the set alone cannot tell the two replicas named B apart";
  LoseStateDirectory();

  ProtectionSettings a_and_b = Settings();
  for (size_t i = 0; i < a_and_b.disks.size(); ++i) a_and_b.disks[i].replica_name = before.disks[i].replica;
  ASSERT_OK_AND_ASSIGN(auto adopted, Session::Adopt(*engine_, scratch_.File("state2"), a_and_b, {}, Options()));
  ExpectAdoptionKeepsEveryPoint(std::move(adopted), points,
                                "every point: those from before the removal on A, those after the addition on both");
}

TEST_P(AdoptTest, AnotherHostAdoptsAndTheOldAgentNeverWritesAgain) {
  Replicating(1, 50);
  const std::string replica = session_->status().disks[0].replica;
  ASSERT_OK(guest_->Write(50));
  clock_.Advance(30s);

  // The old agent still runs (its session open, its leases held) when another host adopts.
  ASSERT_OK_AND_ASSIGN(auto adopted, AdoptElsewhere(scratch_.File("state-other-host")));
  ASSERT_OK_AND_ASSIGN(const DiskProperties before, Store().AsyncGetDisk(replica, use_future).get());
  ASSERT_OK_AND_ASSIGN(const auto snapshots_before, Store().AsyncListSnapshots(replica, use_future).get());

  const auto fenced = session_->RunCycle();
  ASSERT_FALSE(fenced.ok());
  EXPECT_EQ(fenced.error().code(), Code::kConflict) << fenced.error().ToString();

  // Restarted, with the new agent gone and its leases free, the old agent still may not.
  adopted.reset();
  session_.reset();
  ASSERT_OK_AND_ASSIGN(auto old, Session::Open(*engine_, state_dir_, Options()));
  const auto again = old->RunCycle();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kConflict) << again.error().ToString();
  EXPECT_NE(again.error().message().find("adopted by another agent"), std::string::npos) << again.error().ToString();
  const auto resync = old->Resynchronize();
  ASSERT_FALSE(resync.ok());
  EXPECT_EQ(resync.error().code(), Code::kConflict) << resync.error().ToString();

  ASSERT_OK_AND_ASSIGN(const DiskProperties after, Store().AsyncGetDisk(replica, use_future).get());
  EXPECT_EQ(after.etag, before.etag) << "the old agent wrote the replica";
  ASSERT_OK_AND_ASSIGN(const auto snapshots_after, Store().AsyncListSnapshots(replica, use_future).get());
  EXPECT_EQ(snapshots_after.size(), snapshots_before.size()) << "the old agent took a recovery point";
  old.reset();

  // The new agent goes on from where the replica stands.
  SessionOptions options = Options();
  options.agent_id_file = scratch_.File("other-host-agent-id");
  ASSERT_OK_AND_ASSIGN(auto resumed, Session::Open(*other_engine_, scratch_.File("state-other-host"), options));
  ASSERT_OK_AND_ASSIGN(const CycleReport cycle, resumed->RunCycle());
  EXPECT_TRUE(cycle.shipped);
  EXPECT_EQ(resumed->status().recovery_point_count, 3u);
  ExpectPointsMatchTruth(*resumed);
}

// The host adopted from removes its protection: what is its own goes (its state directory,
// its tracking, its logs); the replicas are the adopter's and stay, untouched, and asking
// to delete them is refused before anything is removed.
TEST_P(AdoptTest, UnprotectWhereTheVmWasAdoptedFromLeavesTheReplicasToTheAdopter) {
  Replicating(1, 50);
  const std::string replica = session_->status().disks[0].replica;
  ASSERT_OK_AND_ASSIGN(auto adopted, AdoptElsewhere(scratch_.File("state-other-host")));
  session_.reset();
  ASSERT_OK_AND_ASSIGN(const DiskProperties before, Store().AsyncGetDisk(replica, use_future).get());
  ASSERT_OK_AND_ASSIGN(const auto snapshots_before, Store().AsyncListSnapshots(replica, use_future).get());

  UnprotectOptions everything;
  everything.delete_replicas = true;
  const Status refused = Session::Unprotect(*engine_, state_dir_, everything, Options());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), Code::kConflict) << refused.error().ToString();
  EXPECT_NE(refused.error().message().find("belong to the agent that adopted them"), std::string::npos)
      << refused.error().ToString();
  EXPECT_NE(refused.error().message().find(replica), std::string::npos) << refused.error().ToString();
  ASSERT_OK_AND_ASSIGN(auto still, Session::Open(*engine_, state_dir_, Options(), true));
  EXPECT_FALSE(still->status().last_error.has_value());
  still.reset();

  ASSERT_OK(Session::Unprotect(*engine_, state_dir_, {}, Options()));
  EXPECT_FALSE(std::filesystem::exists(state_dir_));
  EXPECT_FALSE(guest_->tracking());
  ASSERT_OK_AND_ASSIGN(const DiskProperties after, Store().AsyncGetDisk(replica, use_future).get());
  EXPECT_EQ(after.etag, before.etag) << "the replica was written";
  ASSERT_OK_AND_ASSIGN(const auto snapshots_after, Store().AsyncListSnapshots(replica, use_future).get());
  EXPECT_EQ(snapshots_after.size(), snapshots_before.size());
  EXPECT_EQ(adopted->recovery_points().size(), 2u);
}

TEST_P(AdoptTest, MissingLogsMakeAResyncOfTheDifferingChunksOnly) {
  Replicating(1, 50);
  const DiskSpec disk = session_->settings().disks[0];
  LoseStateDirectory();
  ASSERT_OK(guest_->Write(50));
  HostVm vm{"vm01", {}, {disks_[0]}};
  ASSERT_OK(guest_->RotateLogs(vm, false));
  // The closed logs since the last point are lost with the state directory's host.
  ASSERT_OK_AND_ASSIGN(const auto closed, ListClosedLogs(disk.log_folder, disk.log_name));
  ASSERT_FALSE(closed.empty());
  for (const std::string& log : closed) std::filesystem::remove(log);
  clock_.Advance(30s);

  ASSERT_OK_AND_ASSIGN(auto adopted, Session::Adopt(*engine_, scratch_.File("state2"), Settings(), {}, Options()));
  SessionStatus status = adopted->status();
  ASSERT_EQ(status.state, ReplicationState::kResyncRequired);
  EXPECT_NE(status.resync_reason.find("logs do not continue"), std::string::npos) << status.resync_reason;
  ASSERT_OK_AND_ASSIGN(const bool ran, adopted->RunDue());
  EXPECT_TRUE(ran) << "an adoption's resync is due at once";
  status = adopted->status();
  EXPECT_EQ(status.state, ReplicationState::kReplicating) << status.health_reason;
  // The replica was read and compared: only the chunks 50 writes touched travel.
  EXPECT_GT(status.bytes_sent, 0u);
  EXPECT_LT(status.bytes_sent, kDiskSize / 4) << status.bytes_sent;
  ExpectPointsMatchTruth(*adopted);
}

TEST_P(AdoptTest, AResyncIsAskedForWhenTheOperatorSaysSo) {
  Replicating(1, 50);
  LoseStateDirectory();
  AdoptOptions adopt;
  adopt.resync = true;
  ASSERT_OK_AND_ASSIGN(auto adopted, Session::Adopt(*engine_, scratch_.File("state2"), Settings(), adopt, Options()));
  EXPECT_EQ(adopted->status().state, ReplicationState::kResyncRequired);
  ASSERT_OK(adopted->Resynchronize());
  EXPECT_LT(adopted->status().bytes_sent, kDiskSize / 8);
  ExpectPointsMatchTruth(*adopted);
}

TEST_P(AdoptTest, RefusesReplicasItCannotProveAreTheVms) {
  Replicating(1, 50);
  LoseStateDirectory();
  const std::string replica = WithDefaults(Settings()).disks[0].replica_name;
  // Another VM's name for vm01's replica.
  ProtectionSettings settings = Settings();
  settings.vm_name = "vm02";
  settings.disks[0].replica_name = replica;
  auto other_vm = Session::Adopt(*engine_, scratch_.File("state2"), settings, {}, Options());
  ASSERT_FALSE(other_vm.ok());
  EXPECT_EQ(other_vm.error().code(), Code::kConflict) << other_vm.error().ToString();
  EXPECT_NE(other_vm.error().message().find("field 'vm'"), std::string::npos) << other_vm.error().ToString();
  EXPECT_FALSE(std::filesystem::exists(scratch_.File("state2"))) << "a failed adopt leaves nothing behind";

  // A replica whose mirror lost a field.
  ASSERT_OK_AND_ASSIGN(Metadata metadata, Store().AsyncGetMetadata(replica, use_future).get());
  metadata.erase("identity");
  ASSERT_OK(Store().AsyncSetMetadata(replica, metadata, use_future).get());
  auto damaged = Session::Adopt(*engine_, scratch_.File("state2"), Settings(), {}, Options());
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().code(), Code::kInvalidReplicaState);
  EXPECT_NE(damaged.error().message().find("replica disk '" + replica + "': metadata field 'identity' is missing"),
            std::string::npos)
      << damaged.error().ToString();

  // A replica an older hvr wrote: no version, so adopt cannot say where it stands.
  metadata.erase("mirror");
  ASSERT_OK(Store().AsyncSetMetadata(replica, metadata, use_future).get());
  auto older = Session::Adopt(*engine_, scratch_.File("state2"), Settings(), {}, Options());
  ASSERT_FALSE(older.ok());
  EXPECT_NE(older.error().message().find("'mirror' is missing"), std::string::npos) << older.error().ToString();
}

TEST_P(AdoptTest, SeededProtectionSendsOnlyWhatDiffers) {
  MakeVm(1);
  ASSERT_OK(guest_->Fill(24 << 20));
  const std::string replica = WithDefaults(Settings()).disks[0].replica_name;
  // The copy an operator made before protecting (hvrepl upload), of the disk as a
  // checkpoint froze it.
  const HostVm vm{"vm01", {}, {disks_[0]}};
  ASSERT_OK_AND_ASSIGN(const auto frozen, guest_->CreateCheckpoint(vm));
  ASSERT_OK_AND_ASSIGN(auto source, OpenDisk(frozen.at(0).path));
  ASSERT_OK_AND_ASSIGN(const TransferStats uploaded, UploadDisk(*source, Store(), replica, {}));
  source.reset();
  ASSERT_OK(guest_->MergeCheckpoint(vm));
  ASSERT_GE(uploaded.bytes_sent, uint64_t{24} << 20);
  ASSERT_OK(guest_->Write(50));

  // Without --seed the disk is still refused.
  auto refused = Session::Protect(*engine_, state_dir_, Settings(), Options());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), Code::kConflict) << refused.error().ToString();

  ProtectOptions seeded;
  seeded.seed = true;
  ASSERT_OK_AND_ASSIGN(session_, Session::Protect(*engine_, state_dir_, Settings(), seeded, Options()));
  ASSERT_OK(session_->ReplicateInitially());
  const uint64_t sent = session_->status().bytes_sent;
  EXPECT_GT(sent, 0u);
  EXPECT_LT(sent, uploaded.bytes_sent / 4) << sent;
  ExpectPointsMatchTruth(*session_);
  ASSERT_OK(guest_->Write(50));
  clock_.Advance(30s);
  ASSERT_OK(session_->RunCycle());
  ExpectPointsMatchTruth(*session_);
}

TEST_P(AdoptTest, ASeedOfTheWrongSizeIsAnError) {
  MakeVm(1);
  const std::string replica = WithDefaults(Settings()).disks[0].replica_name;
  ASSERT_OK(Store().AsyncCreateDisk(replica, kDiskSize + (1 << 20), {}, use_future).get());
  ProtectOptions seeded;
  seeded.seed = true;
  auto protect = Session::Protect(*engine_, state_dir_, Settings(), seeded, Options());
  ASSERT_FALSE(protect.ok());
  EXPECT_EQ(protect.error().code(), Code::kInvalidReplicaState);
  EXPECT_NE(protect.error().message().find("seed disk '" + replica + "'"), std::string::npos)
      << protect.error().ToString();
  EXPECT_FALSE(std::filesystem::exists(state_dir_));
}

INSTANTIATE_TEST_SUITE_P(Stores, AdoptTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

}  // namespace
}  // namespace hvr::testing
