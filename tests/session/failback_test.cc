// Failback and reverse replication (docs/failover.md) against each store: what an Azure
// VM wrote comes back to the on-premises disk, checked byte for byte by qemu-img.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>

#include "hvr/disk_transfer.hpp"
#include "session/failover_fixture.hpp"
#include "test_util/qemu_tools.hpp"
#include "test_util/result_assertions.hpp"
#include "util/file.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;
using boost::asio::use_future;

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
  // Nothing but the cycle sent anything, and it carried only what the VM wrote since
  // (plus, at most, short zero gaps joined between those writes).
  EXPECT_EQ(session_->status().bytes_sent - sent_before, cycle.bytes_sent) << "reverse replication copied the disk";
  EXPECT_LE(cycle.changed_bytes, 60u * 4096);
  EXPECT_LE(cycle.bytes_sent, cycle.changed_bytes + cycle.page_writes * (64 << 10));
  const auto points = session_->recovery_points();
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(PointDigest(*session_, points.back(), 0), TruthOf(points.back()));
}

// An unplanned failover leaves the on-premises VM as it was: here, still running.
// Failback to its own disks would write under the running guest; it refuses, before
// anything is written or stopped, until the VM is shut down.
TEST_P(FailoverTest, FailbackRefusesToWriteUnderARunningVm) {
  Replicating(1);
  ASSERT_OK_AND_ASSIGN(const FailoverVm vm, session_->Failover({"latest", false}));
  AzureVmWrites(vm.disks[0].name, 20, 5);
  ASSERT_TRUE(guest_->running());
  ASSERT_OK_AND_ASSIGN(const std::string before, ReadWholeFile(disks_[0]));

  for (const bool complete : {false, true}) {
    const auto refused = complete ? session_->FailbackComplete() : session_->FailbackSync();
    ASSERT_FALSE(refused.ok()) << (complete ? "complete" : "sync");
    EXPECT_EQ(refused.error().code(), Code::kConflict);
    EXPECT_NE(refused.error().message().find("VM 'vm01'"), std::string::npos) << refused.error().message();
    EXPECT_NE(refused.error().message().find("shut it down"), std::string::npos) << refused.error().message();
  }
  ASSERT_OK_AND_ASSIGN(const std::string after, ReadWholeFile(disks_[0]));
  EXPECT_TRUE(before == after) << "failback wrote into the disk of a running VM";
  const auto events = host_.events();
  EXPECT_EQ(std::find(events.begin(), events.end(), "shutdown azure vm vm01"), events.end())
      << "the Azure VM was stopped for a failback that could not run";
  EXPECT_EQ(session_->status().state, ReplicationState::kFailedOver);
  EXPECT_NE(session_->status().health, Health::kCritical) << "a running VM is a state of the moment";

  // Shut down, the same failback runs.
  ASSERT_OK(guest_->ShutdownVm({}));
  ASSERT_OK_AND_ASSIGN(const FailbackReport done, session_->FailbackComplete());
  EXPECT_TRUE(done.completed);
  EXPECT_TRUE(guest_->running()) << "the host started the VM";
  guest_->StopWriting();
  ASSERT_OK(guest_->ShutdownVm({}));
  const std::string raw = scratch_.File("azure.raw");
  ASSERT_OK(DownloadDisk(Store(), vm.disks[0].name, "", raw, false, TransferOptions{}));
  EXPECT_TRUE(QemuSameContent(disks_[0], "vhdx", raw));
}

TEST_P(FailoverTest, FailbackToAnotherFolderMakesNewDisks) {
  Replicating(1);
  ASSERT_OK_AND_ASSIGN(const FailoverVm vm, session_->Failover({"latest", false}));
  ASSERT_TRUE(guest_->running()) << "new disks are written whether the on-premises VM runs or not";
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

// Instantiated with the rest of FailoverTest, in failover_test.cc.

}  // namespace
}  // namespace hvr::testing
