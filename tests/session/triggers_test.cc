// What makes a VM need a resync (docs/session.md), one trigger at a time, and the
// resync that follows: it sends only what differs and leaves every point true.
#include <gtest/gtest.h>

#include <filesystem>

#include "hvr/change_tracker.hpp"
#include "hvr/disk_writer.hpp"
#include "hvr/hrl_writer.hpp"
#include "session/session_fixture.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;

class TriggersTest : public SessionFixture {
 protected:
  // A VM protected and replicated initially, one cycle shipped.
  void Replicating() { SessionFixture::Replicating(1, 50); }

  // The cycle fails with `code`, the VM is marked for resync, and a resync by hand puts
  // it back, sending less than the disk.
  void ExpectResyncFixes(Code code) {
    clock_.Advance(30s);
    auto cycle = session_->RunCycle();
    ASSERT_FALSE(cycle.ok());
    EXPECT_EQ(cycle.error().code(), code) << cycle.error().ToString();
    SessionStatus status = session_->status();
    EXPECT_EQ(status.state, ReplicationState::kResyncRequired);
    EXPECT_EQ(status.health, Health::kWarning);
    EXPECT_FALSE(status.resync_reason.empty());
    const uint64_t sent_before = status.bytes_sent;

    ASSERT_OK(session_->Resynchronize());
    status = session_->status();
    EXPECT_EQ(status.state, ReplicationState::kReplicating);
    EXPECT_EQ(status.health, Health::kNormal);
    EXPECT_TRUE(status.resync_reason.empty());
    EXPECT_LT(status.bytes_sent - sent_before, status.disks[0].virtual_size / 2)
        << "a resync sends what differs, not the disk";
    // Replication goes on.
    ASSERT_OK(guest_->Write(20));
    clock_.Advance(30s);
    ASSERT_OK(session_->RunCycle());
    ExpectPointsMatchTruth(*session_);
  }
};

TEST_P(TriggersTest, ALogMissingFromTheChainIsAGap) {
  Replicating();
  ASSERT_OK(guest_->Write(30));
  ASSERT_OK(guest_->RotateLogs({}, false));
  // The log that was just closed disappears before it is shipped.
  ASSERT_OK_AND_ASSIGN(auto logs, ListClosedLogs(scratch_.path(), "disk0"));
  ASSERT_EQ(logs.size(), 1u);
  std::filesystem::remove(logs[0]);
  ASSERT_OK(guest_->Write(30));
  ExpectResyncFixes(Code::kLogChainGap);
}

TEST_P(TriggersTest, ALogLeftUnclosedIsNotClosed) {
  Replicating();
  ASSERT_OK(guest_->ShutdownVm({}));
  // The host lost power while a log was open: it stays unclosed, the tracker goes on
  // after it.
  ASSERT_OK_AND_ASSIGN(auto logs, ListTrackedLogs(scratch_.path(), "disk0"));
  ASSERT_OK_AND_ASSIGN(const HrlHeader last, ReadHrlHeader(logs.back()));
  HrlWriterOptions unclosed;
  unclosed.previous_unique_id = last.unique_id;
  const std::string left_open = scratch_.File(TrackedLogName("disk0", logs.size() + 5));
  ASSERT_OK(HrlWriter::Create(left_open, unclosed));
  ASSERT_OK(guest_->StartVm({}));
  ASSERT_OK(guest_->Write(30));
  ExpectResyncFixes(Code::kLogNotClosed);
  // The resync's copy holds everything the unclosed log recorded: it is deleted with the
  // other logs the copy made obsolete.
  EXPECT_FALSE(std::filesystem::exists(left_open)) << left_open << " outlived the resync that covers it";
}

TEST_P(TriggersTest, AWriteWhileNotTrackedIsUntrackedModification) {
  Replicating();
  ASSERT_OK(guest_->ShutdownVm({}));
  // Someone mounts the disk and writes to it while the VM is off.
  WriteImage(disks_[0], 5 << 20, PatternBytes(64 << 10, 7));
  ASSERT_OK(guest_->StartVm({}));
  ASSERT_OK(guest_->Write(30));
  ExpectResyncFixes(Code::kUntrackedModification);
}

TEST_P(TriggersTest, LogsOverHalfTheDiskAskForAResync) {
  Replicating();
  // A hot spot: 18 MiB of log for 1 MiB of disk, over half the 32 MiB disk. Shipping
  // the log would send 18 MiB; the resync sends the 1 MiB.
  for (int i = 0; i < 4500; ++i) {
    ASSERT_OK(guest_->WriteAt(0, (i % 256) * 4096, PatternBytes(4096, static_cast<uint32_t>(i))));
  }
  ExpectResyncFixes(Code::kResyncRequired);
}

TEST_P(TriggersTest, AnOperatorsRequestRunsAtOnceWhateverTheWindow) {
  Replicating();
  // Wednesday noon, inside office hours: an automatic resync would wait.
  clock_.Set(TimePoint(std::chrono::seconds(1714564800)));
  ASSERT_OK(session_->RequestResync("checking the replica"));
  EXPECT_EQ(session_->status().state, ReplicationState::kResyncRequired);
  ASSERT_OK_AND_ASSIGN(const bool ran, session_->RunDue());
  EXPECT_TRUE(ran);
  EXPECT_EQ(session_->status().state, ReplicationState::kReplicating);
  EXPECT_EQ(session_->jobs().back().type, JobType::kResynchronization);
  ExpectPointsMatchTruth(*session_);
}

// A resync that made its point but stopped before the host merged its checkpoint leaves
// that checkpoint behind. The next resync must not take it for its own: its view is
// older than what the replica already holds.
TEST_P(TriggersTest, AResyncAfterOneThatStoppedBeforeMergingTakesItsOwnCheckpoint) {
  Replicating();
  // The VM writes during each copy, after the checkpoint froze its view.
  host_.AfterCheckpoint([this] { ASSERT_OK(guest_->Write(40)); });
  host_.FailMerges(1);
  const Status first = session_->Resynchronize();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code(), Code::kIo) << first.error().ToString();
  clock_.Advance(30s);
  ASSERT_OK(session_->Resynchronize());
  EXPECT_EQ(session_->status().state, ReplicationState::kReplicating);
  ExpectPointsMatchTruth(*session_);
  ASSERT_OK(guest_->Write(40));
  clock_.Advance(30s);
  ASSERT_OK(session_->RunCycle());
  ExpectPointsMatchTruth(*session_);
}

// Logs written during a copy that reach half the disk (the VM wrote a hot spot while the
// copy ran) are not applied: the copy starts again from a newer checkpoint, which sends
// only what changed, and its point is true.
TEST_P(TriggersTest, LogsThatOutgrowTheCopyMakeItStartFromANewerCheckpoint) {
  Replicating();
  int checkpoints = 0;
  host_.AfterCheckpoint([&] {
    if (++checkpoints > 1) return;
    for (int i = 0; i < 4500; ++i) {
      ASSERT_OK(guest_->WriteAt(0, (i % 256) * 4096, PatternBytes(4096, static_cast<uint32_t>(i))));
    }
  });
  ASSERT_OK(session_->Resynchronize());
  EXPECT_EQ(checkpoints, 2);
  EXPECT_EQ(session_->status().state, ReplicationState::kReplicating);
  const std::vector<Job> jobs = session_->jobs();
  bool noted = false;
  for (const JobStep& step : jobs.back().steps) noted = noted || step.name.find("outgrew") != std::string::npos;
  EXPECT_TRUE(noted) << "the job says why it took a newer checkpoint";
  EXPECT_LT(session_->status().disks[0].bytes_sent, uint64_t{80} << 20) << "only what changed travels again";
  ExpectPointsMatchTruth(*session_);
  ASSERT_OK(guest_->Write(40));
  clock_.Advance(30s);
  ASSERT_OK(session_->RunCycle());
  ExpectPointsMatchTruth(*session_);
}

TEST_P(TriggersTest, AnAutomaticResyncWaitsForTheWindow) {
  Replicating();
  // Wednesday 2024-05-01 12:00 local (UTC here): office hours until 18:00.
  const TimePoint noon(std::chrono::seconds(1714564800));
  clock_.Set(noon);
  ASSERT_OK(guest_->Write(30));
  ASSERT_OK(guest_->RotateLogs({}, false));
  ASSERT_OK_AND_ASSIGN(auto logs, ListClosedLogs(scratch_.path(), "disk0"));
  std::filesystem::remove(logs[0]);
  clock_.Advance(30s);
  ASSERT_FALSE(session_->RunCycle().ok());
  ASSERT_EQ(session_->status().state, ReplicationState::kResyncRequired);
  const auto due = session_->NextDue();
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(*due, noon + 6h) << "office hours end at 18:00";
  ASSERT_OK_AND_ASSIGN(bool ran, session_->RunDue());
  EXPECT_FALSE(ran) << "inside office hours";
  clock_.Set(*due);
  ASSERT_OK_AND_ASSIGN(ran, session_->RunDue());
  EXPECT_TRUE(ran);
  EXPECT_EQ(session_->status().state, ReplicationState::kReplicating);
}

INSTANTIATE_TEST_SUITE_P(Stores, TriggersTest, ::testing::Values(Backend::kLocal), BackendParamName);

}  // namespace
}  // namespace hvr::testing
