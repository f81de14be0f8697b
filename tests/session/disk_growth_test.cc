// A source disk that changes size while protected, against each store with the reference
// guest writing before and after `qemu-img resize` of the source between cycles: one that
// grew is followed with no resync of the rest and every point stays the source at its
// time (those before at the old size); one that shrank is refused, and nothing replicated
// changes. qemu-img resizes raw images only (not VHDX or VHD), so the guest runs on raw
// disks here.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "hvr/manifest.hpp"
#include "hvr/replica_reader.hpp"
#include "session/session_fixture.hpp"
#include "session/state_dir.hpp"
#include "test_util/command.hpp"
#include "test_util/qemu_tools.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/sizes.hpp"

namespace hvr::testing {
namespace {

using boost::asio::use_future;
using namespace std::chrono_literals;

using test::kMiB;

// The reference guest's host actions on raw disks: a differencing VHDX cannot sit over a
// raw image, so a checkpoint is the disks themselves (HostActions' default), which is
// right while nothing writes them during the copy, as here.
class RawDiskHost final : public HostActions {
 public:
  explicit RawDiskHost(guest::GuestWorkload*& guest) : guest_(guest) {}
  Result<RotateResult> RotateLogs(const HostVm& vm, bool quiesce) override { return guest_->RotateLogs(vm, quiesce); }
  Status ShutdownVm(const HostVm& vm) override { return guest_->ShutdownVm(vm); }
  Status StartVm(const HostVm& vm) override { return guest_->StartVm(vm); }
  Result<bool> VmRunning(const HostVm& vm) override { return guest_->VmRunning(vm); }

 private:
  guest::GuestWorkload*& guest_;
};

std::vector<uint8_t> Pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(seed + i * 13 + (i >> 9));
  return out;
}

class DiskGrowthTest : public SessionFixture {
 protected:
  // One raw disk of `size` bytes, written by the guest, protected and replicated initially.
  void Protected(uint64_t size) {
    MakeRawVm(size);
    session_ = ProtectRaw();
    ASSERT_TRUE(session_);
    ASSERT_OK(session_->ReplicateInitially());
  }
  void MakeRawVm(uint64_t size) {
    const std::string path = scratch_.File("disk0.img");
    QemuCreate(path, "raw", size);
    disks_.push_back(path);
    StartGuest();
  }
  SessionOptions RawOptions() {
    SessionOptions options = session_options_;
    options.host = &raw_host_;
    return options;
  }
  std::unique_ptr<Session> ProtectRaw() {
    auto session = Session::Protect(*engine_, state_dir_, Settings(), RawOptions());
    EXPECT_TRUE(session.ok()) << session.error().ToString();
    return session.ok() ? std::move(*session) : nullptr;
  }
  std::unique_ptr<Session> ReopenRaw() {
    session_.reset();
    auto session = Session::Open(*engine_, state_dir_, RawOptions());
    EXPECT_TRUE(session.ok()) << session.error().ToString();
    return session.ok() ? std::move(*session) : nullptr;
  }
  Result<CycleReport> Cycle(int writes = 100) {
    if (Status written = guest_->Write(static_cast<size_t>(writes)); !written.ok()) return written.error();
    clock_.Advance(30s);
    return session_->RunCycle();
  }
  // What the host does to resize a disk: the VM off, the image resized, the VM on again
  // (its tracker then logs writes anywhere in the new size).
  void ResizeSource(uint64_t size) {
    ASSERT_OK(guest_->ShutdownVm(HostVm{}));
    RunOrFail({"qemu-img", "resize", "-f", "raw", "--shrink", disks_[0], std::to_string(size)});
    ASSERT_OK(guest_->StartVm(HostVm{}));
  }
  uint64_t ReplicaSizeInStore(const std::string& snapshot = {}) {
    auto size = ReplicaSize(Store(), session_->status().disks.at(0).replica, snapshot);
    EXPECT_TRUE(size.ok()) << size.error().ToString();
    return size.ok() ? *size : 0;
  }

  RawDiskHost raw_host_{guest_pointer_};
};

TEST_P(DiskGrowthTest, AGrownSourceIsFollowedWithNoResyncOfTheRest) {
  Protected(32 * kMiB);
  ASSERT_OK(Cycle());
  const size_t points_before = session_->recovery_points().size();

  ResizeSource(48 * kMiB);
  // Writes in the new part, at its very end, and across the old end.
  ASSERT_OK(guest_->WriteAt(0, 40 * kMiB, Pattern(256 << 10, 1)));
  ASSERT_OK(guest_->WriteAt(0, 48 * kMiB - 4096, Pattern(4096, 2)));
  ASSERT_OK(guest_->WriteAt(0, 32 * kMiB - 4096, Pattern(8192, 3)));
  ASSERT_OK_AND_ASSIGN(const CycleReport grown, Cycle());
  ASSERT_TRUE(grown.shipped);
  // The delta and what was written in the new part; a resync of the rest would send the
  // 32 MiB the guest filled.
  EXPECT_GE(grown.bytes_sent, (256u << 10) + 4096 + 8192);
  EXPECT_LT(grown.bytes_sent, 4 * kMiB) << "only the delta is sent";
  EXPECT_LE(grown.bytes_sent, grown.changed_bytes + 2 * kMiB) << "zeros joined between writes at most";
  const SessionStatus status = session_->status();
  EXPECT_EQ(status.state, ReplicationState::kReplicating);
  EXPECT_EQ(status.health, Health::kNormal);
  EXPECT_EQ(status.disks.at(0).virtual_size, 48 * kMiB);
  EXPECT_EQ(ReplicaSizeInStore(), 48 * kMiB);
  const auto jobs = session_->jobs();
  ASSERT_FALSE(jobs.empty());
  EXPECT_TRUE(std::any_of(jobs.back().steps.begin(), jobs.back().steps.end(),
                          [](const JobStep& s) { return s.name.find("its source grew") != std::string::npos; }));

  ASSERT_OK(Cycle());
  // Every point is the source at its time, those before the growth at the old size.
  const auto points = session_->recovery_points();
  ASSERT_EQ(points.size(), points_before + 2);
  for (size_t i = 0; i < points.size(); ++i) {
    const uint64_t expected = i < points_before ? 32 * kMiB : 48 * kMiB;
    EXPECT_EQ(ReplicaSizeInStore(points[i].snapshots.at(0)), expected) << "point " << points[i].id;
    ASSERT_EQ(points[i].disk_sizes.size(), 1u);
    EXPECT_EQ(points[i].disk_sizes[0], expected) << "point " << points[i].id;
  }
  ExpectPointsMatchTruth(*session_);
  ASSERT_OK_AND_ASSIGN(const VerifyReport verified, session_->Verify("latest"));
  EXPECT_TRUE(verified.identical());

  // A failover to a point before the growth gives the size the disk had then.
  ASSERT_OK_AND_ASSIGN(const FailoverVm test, session_->TestFailover(points.front().id));
  ASSERT_EQ(test.disks.size(), 1u);
  EXPECT_EQ(test.disks[0].virtual_size, 32 * kMiB);
  ASSERT_OK_AND_ASSIGN(const DiskProperties test_disk, Store().AsyncGetDisk(test.disks[0].name, use_future).get());
  EXPECT_EQ(test_disk.virtual_size, 32 * kMiB);
  ASSERT_OK(session_->CleanupTestFailover());
}

TEST_P(DiskGrowthTest, ASourceThatGrewBeforeTheInitialCopyIsCopiedWhole) {
  MakeRawVm(32 * kMiB);
  session_ = ProtectRaw();
  ASSERT_TRUE(session_);
  ResizeSource(40 * kMiB);
  ASSERT_OK(guest_->WriteAt(0, 36 * kMiB, Pattern(64 << 10, 4)));
  ASSERT_OK(session_->ReplicateInitially());
  EXPECT_EQ(session_->status().disks.at(0).virtual_size, 40 * kMiB);
  EXPECT_EQ(ReplicaSizeInStore(), 40 * kMiB);
  ASSERT_OK(Cycle());
  ExpectPointsMatchTruth(*session_);
}

TEST_P(DiskGrowthTest, AShrunkSourceIsRefusedAndNothingReplicatedChanges) {
  Protected(32 * kMiB);
  ASSERT_OK(Cycle());
  const auto points = session_->recovery_points();
  const std::string replica = session_->status().disks.at(0).replica;
  ASSERT_OK_AND_ASSIGN(const DiskProperties before, Store().AsyncGetDisk(replica, use_future).get());

  ResizeSource(24 * kMiB);
  const auto refused = Cycle(50);
  ASSERT_EQ(CodeOf(refused), Code::kInvalidReplicaState);
  const std::string message = refused.error().message();
  EXPECT_NE(message.find(disks_[0]), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(32 * kMiB)), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(24 * kMiB)), std::string::npos) << message;
  EXPECT_NE(message.find("shrank"), std::string::npos) << message;

  const SessionStatus status = session_->status();
  EXPECT_EQ(status.health, Health::kCritical);
  ASSERT_TRUE(status.last_error.has_value());
  EXPECT_EQ(status.last_error->code(), Code::kInvalidReplicaState);
  EXPECT_EQ(status.disks.at(0).virtual_size, 32 * kMiB);
  EXPECT_EQ(session_->recovery_points().size(), points.size());
  ASSERT_OK_AND_ASSIGN(const DiskProperties after, Store().AsyncGetDisk(replica, use_future).get());
  EXPECT_EQ(after.etag, before.etag) << "the replica is not written";
  EXPECT_EQ(after.virtual_size, 32 * kMiB);
  ExpectPointsMatchTruth(*session_);
}

TEST_P(DiskGrowthTest, AGrowthAKillCutShortConvergesOnTheNextRun) {
  Protected(32 * kMiB);
  ASSERT_OK(Cycle());
  const std::string replica = session_->status().disks.at(0).replica;
  // What a kill leaves after each step of a growth: the journal entry alone; the replica
  // grown too; its manifest extended too (the journal's size not yet, nor the point).
  enum Step { kJournalled, kReplicaGrown, kManifestExtended };
  uint64_t size = 32 * kMiB;
  for (const Step step : {kJournalled, kReplicaGrown, kManifestExtended}) {
    SCOPED_TRACE("step " + std::to_string(step));
    size += 8 * kMiB;
    ResizeSource(size);
    ASSERT_OK(guest_->WriteAt(0, size - 64 * 1024, Pattern(64 << 10, static_cast<uint8_t>(step))));
    session_.reset();
    {
      ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(state_dir_, false, false));
      ASSERT_OK_AND_ASSIGN(SessionState state, dir.LoadState());
      state.disks[0].growing_to = size;
      state.disks[0].replica_etag.clear();  // forgotten while hvr writes the replica
      ASSERT_OK(dir.SaveState(state));
      if (step >= kReplicaGrown) ASSERT_OK(Store().AsyncGrowDisk(replica, size, use_future).get());
      if (step >= kManifestExtended) {
        ASSERT_OK_AND_ASSIGN(Manifest manifest, LoadManifest(dir.ManifestPath(replica)));
        ASSERT_OK(manifest.Resize(size));
        ASSERT_OK(SaveManifest(manifest, dir.ManifestPath(replica)));
      }
    }  // the directory's lock goes with it
    session_ = ReopenRaw();
    ASSERT_TRUE(session_);
    ASSERT_OK_AND_ASSIGN(const CycleReport report, Cycle());
    EXPECT_TRUE(report.shipped);
    EXPECT_LT(report.bytes_sent, 4 * kMiB) << "no resync of the rest";
    const SessionStatus status = session_->status();
    EXPECT_EQ(status.disks.at(0).virtual_size, size);
    EXPECT_EQ(status.state, ReplicationState::kReplicating);
    EXPECT_EQ(status.health, Health::kNormal);
    EXPECT_EQ(ReplicaSizeInStore(), size);
    ExpectPointsMatchTruth(*session_);
  }
}

// Bytes in a grown range that no log covers come only from writes while the disk was not
// tracked: here a VHDX grown by a tool while the VM is off, and written in the new range
// before the VM starts again. (qemu-img resizes raw images only: the VHDX is converted
// to raw, resized, written with qemu-io and converted back, as a tool that rewrites the
// image does.) The write changed the disk's DataWriteGuid, so the first log after it
// carries another identity: the cycle stops before it grows the replica, and the resync
// compares the whole disk, grown part included, and sends the bytes written there.
TEST_P(DiskGrowthTest, AVhdxGrownAndWrittenWhileNotTrackedIsResyncedNewPartIncluded) {
  SessionFixture::Replicating(1, 50);
  ASSERT_OK(guest_->ShutdownVm({}));
  const std::string raw = scratch_.File("offline.img");
  RunOrFail({"qemu-img", "convert", "-f", "vhdx", "-O", "raw", disks_[0], raw});
  RunOrFail({"qemu-img", "resize", "-f", "raw", raw, std::to_string(48 * kMiB)});
  RunOrFail({"qemu-io", "-f", "raw", "-c", "write -P 0x5a " + std::to_string(40 * kMiB) + " 256k", raw});
  std::filesystem::remove(disks_[0]);
  RunOrFail({"qemu-img", "convert", "-f", "raw", "-O", "vhdx", "-o", "subformat=dynamic", raw, disks_[0]});
  ASSERT_OK(guest_->StartVm({}));
  ASSERT_OK(guest_->Write(30));
  clock_.Advance(30s);

  const auto cycle = session_->RunCycle();
  ASSERT_EQ(CodeOf(cycle), Code::kUntrackedModification);
  SessionStatus status = session_->status();
  EXPECT_EQ(status.state, ReplicationState::kResyncRequired);
  EXPECT_EQ(ReplicaSizeInStore(), 32 * kMiB) << "the cycle stopped before growing the replica";
  const uint64_t sent_before = status.bytes_sent;

  ASSERT_OK(session_->Resynchronize());
  status = session_->status();
  EXPECT_EQ(status.state, ReplicationState::kReplicating);
  EXPECT_EQ(status.disks.at(0).virtual_size, 48 * kMiB);
  EXPECT_EQ(ReplicaSizeInStore(), 48 * kMiB);
  const uint64_t sent = status.bytes_sent - sent_before;
  EXPECT_GE(sent, 256u << 10) << "the bytes written in the new part reach the replica";
  EXPECT_LT(sent, 8 * kMiB) << "what differs, not the disk";
  ASSERT_OK_AND_ASSIGN(const VerifyReport verified, session_->Verify("latest"));
  EXPECT_TRUE(verified.identical());
  ASSERT_OK(guest_->Write(20));
  clock_.Advance(30s);
  ASSERT_OK(session_->RunCycle());
  ExpectPointsMatchTruth(*session_);
}

INSTANTIATE_TEST_SUITE_P(Stores, DiskGrowthTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

}  // namespace
}  // namespace hvr::testing
