// Failover, test failover, commit, failback and reverse replication (REQUIREMENTS.md
// §7-§9) against each store, with the reference guest as the on-premises VM.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <random>

#include "hvr/disk_transfer.hpp"
#include "session/session_fixture.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;
using boost::asio::use_future;

class FailoverTest : public SessionFixture {
 protected:
  // Protected, replicated, and `cycles` cycles shipped, the first of them app-consistent.
  void Replicating(int cycles) {
    MakeVm(1);
    ProtectionSettings settings = Settings();
    settings.app_consistent_frequency = 1h;
    session_ = Protect(settings);
    ASSERT_TRUE(session_);
    ASSERT_OK(session_->ReplicateInitially());
    for (int i = 0; i < cycles; ++i) {
      ASSERT_OK(guest_->Write(100));
      clock_.Advance(30s);
      ASSERT_OK(session_->RunCycle());
    }
  }

  ChunkHash TruthOf(const VmRecoveryPoint& point) {
    auto id = Guid::Parse(PointLog(*session_, point, 0));
    EXPECT_TRUE(id.ok());
    const auto truth = id.ok() ? guest_->Truth(*id) : std::nullopt;
    EXPECT_TRUE(truth.has_value());
    return truth.value_or(ChunkHash{});
  }

  // What an Azure VM would do to its disk: scattered 4 KiB writes.
  void AzureVmWrites(const std::string& disk, int count, uint32_t seed) {
    std::mt19937_64 random(seed);
    const uint64_t size = session_->status().disks[0].virtual_size;
    for (int i = 0; i < count; ++i) {
      const uint64_t offset = (random() % (size / 4096)) * 4096;
      ASSERT_OK(Store().AsyncWritePages(disk, offset, PatternBytes(4096, seed * 1000 + i), use_future).get());
    }
  }

  std::unique_ptr<Session> session_;
};

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

TEST_P(FailoverTest, APlannedFailoverLosesNothing) {
  Replicating(1);
  guest_->StartWriting();
  std::this_thread::sleep_for(200ms);
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

TEST_P(FailoverTest, FailbackBringsBackWhatAzureChangedAndReverseSendsOnlyNewWrites) {
  Replicating(1);
  ASSERT_OK_AND_ASSIGN(const FailoverVm vm, session_->Failover({"latest", true}));
  ASSERT_OK(session_->CommitFailover());
  const std::string azure_disk = vm.disks[0].name;

  // The VM runs in Azure and writes; the first sync brings that back.
  AzureVmWrites(azure_disk, 40, 1);
  ASSERT_OK_AND_ASSIGN(FailbackReport sync, session_->FailbackSync());
  ASSERT_EQ(sync.disks.size(), 1u);
  // The local store lists what changed since the failover; Azurite cannot, so there the
  // disks are compared.
  EXPECT_EQ(sync.disks[0].method, GetParam() == Backend::kLocal ? "changed_ranges" : "compare");
  EXPECT_LE(sync.disks[0].bytes_written, 40u * (64 << 10)) << "only the chunks that differ are written";
  EXPECT_GT(sync.disks[0].bytes_written, 0u);
  EXPECT_EQ(SourceDigest(0), StoreDigest(azure_disk));

  // It goes on writing; a second sync moves only what changed since the first.
  AzureVmWrites(azure_disk, 10, 2);
  ASSERT_OK_AND_ASSIGN(sync, session_->FailbackSync());
  EXPECT_LE(sync.disks[0].bytes_written, 10u * (64 << 10));
  if (GetParam() == Backend::kLocal) {
    EXPECT_EQ(sync.disks[0].method, "changed_ranges");
    EXPECT_LE(sync.disks[0].bytes_read, 10u * 4096);
  }

  // Complete: the Azure VM stops, a last sync, the on-premises VM starts.
  AzureVmWrites(azure_disk, 5, 3);
  ASSERT_OK_AND_ASSIGN(const FailbackReport done, session_->FailbackComplete());
  EXPECT_TRUE(done.completed);
  EXPECT_EQ(session_->status().state, ReplicationState::kFailedBack);
  EXPECT_TRUE(guest_->running());
  const auto events = host_.events();
  EXPECT_NE(std::find(events.begin(), events.end(), "shutdown azure vm vm01"), events.end());
  // Byte for byte, checked by qemu-img against the Azure disk's raw content.
  const std::string raw = scratch_.File("azure.raw");
  TransferOptions transfer;
  ASSERT_OK(DownloadDisk(Store(), azure_disk, "", raw, false, transfer));
  guest_->StopWriting();
  ASSERT_OK(guest_->ShutdownVm({}));
  EXPECT_TRUE(QemuSameContent(disks_[0], "vhdx", raw)) << "on-premises disk differs from the Azure disk";
  ASSERT_OK(guest_->StartVm({}));

  ASSERT_OK(session_->CommitFailback());
  EXPECT_EQ(CodeOf(Store().AsyncGetDisk(azure_disk, use_future).get()), Code::kNotFound);

  // Reverse replication: protected again without a copy; only new writes travel.
  const uint64_t sent_before = session_->status().bytes_sent;
  ASSERT_OK(session_->ReverseReplication());
  EXPECT_EQ(session_->status().state, ReplicationState::kReplicating);
  ASSERT_OK(guest_->Write(60));
  clock_.Advance(30s);
  ASSERT_OK_AND_ASSIGN(const CycleReport cycle, session_->RunCycle());
  EXPECT_TRUE(cycle.shipped);
  EXPECT_LE(session_->status().bytes_sent - sent_before, 60u * 4096 + (64 << 10))
      << "reverse replication sent more than the writes made since the failback";
  const auto points = session_->recovery_points();
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(PointDigest(*session_, points.back(), 0), TruthOf(points.back()));
}

TEST_P(FailoverTest, FailbackToAnotherFolderMakesNewDisks) {
  Replicating(1);
  ASSERT_OK_AND_ASSIGN(const FailoverVm vm, session_->Failover({"latest", false}));
  AzureVmWrites(vm.disks[0].name, 20, 4);
  const std::string folder = scratch_.File("elsewhere");
  ASSERT_OK_AND_ASSIGN(const FailbackReport done, session_->FailbackComplete({folder}));
  ASSERT_EQ(done.disks.size(), 1u);
  EXPECT_EQ(done.disks[0].destination, folder + "/vm01-disk0.vhdx");
  EXPECT_EQ(done.disks[0].method, "compare") << "a new disk matches nothing yet";
  const std::string raw = scratch_.File("azure.raw");
  ASSERT_OK(DownloadDisk(Store(), vm.disks[0].name, "", raw, false, TransferOptions{}));
  EXPECT_TRUE(QemuSameContent(done.disks[0].destination, "vhdx", raw));
  EXPECT_EQ(session_->settings().disks[0].path, done.disks[0].destination);
  EXPECT_EQ(session_->status().disks[0].source, done.disks[0].destination);
}

INSTANTIATE_TEST_SUITE_P(Stores, FailoverTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

}  // namespace
}  // namespace hvr::testing
