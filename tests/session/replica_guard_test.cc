// A replica someone else wrote behind hvr's back (an administrator who broke the lease,
// another tool): cycles refuse to build recovery points on it, a resync sends what
// differs instead of trusting what hvr recorded, and an operator can ask a resync to read
// the replicas whatever was recorded (docs/session.md).
#include <gtest/gtest.h>

#include "hvr/manifest.hpp"
#include "hvr/sync_store.hpp"
#include "session/session_fixture.hpp"
#include "session/state_dir.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;

class ReplicaGuardTest : public SessionFixture {
 protected:
  // Another agent on the target, holding no lease, breaks the session's lease (if it
  // holds one) and writes a page of the replica, in a chunk of data whose hash hvr knows:
  // the manifest says it holds the source's content (chunks a cycle wrote in part are
  // unknown, and every resync reads those anyway).
  void WriteBehindHvrsBack() {
    const std::string replica = session_->status().disks[0].replica;
    ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(state_dir_, false, true));
    ASSERT_OK_AND_ASSIGN(const Manifest manifest, LoadManifest(dir.ManifestPath(replica)));
    uint64_t chunk = 0;
    while (chunk < manifest.chunk_count() && (manifest.hash(chunk).is_unknown() || manifest.hash(chunk).is_zero())) {
      ++chunk;
    }
    ASSERT_LT(chunk, manifest.chunk_count()) << "no chunk of data is known";
    ASSERT_OK_AND_ASSIGN(auto other, SyncStore::Open(target_, OptionsFor(GetParam())));
    ASSERT_OK_AND_ASSIGN(const DiskProperties props, other->GetDisk(replica));
    if (props.lease_state == LeaseState::kLeased) ASSERT_OK(other->BreakLease(replica, 0s));
    ASSERT_OK(other->WritePages(replica, manifest.ChunkRange(chunk).offset, PatternBytes(4096, 99)));
  }

  void ExpectVerified() {
    ASSERT_OK_AND_ASSIGN(const VerifyReport report, session_->Verify("latest"));
    EXPECT_TRUE(report.identical()) << "the replica still holds the other agent's page at "
                                    << report.disks[0].first_difference.value_or(0);
  }

  uint64_t Sent() { return session_->status().bytes_sent; }
};

TEST_P(ReplicaGuardTest, ACycleRefusesAReplicaWrittenBehindItsBack) {
  Replicating(1);
  WriteBehindHvrsBack();
  ASSERT_OK(guest_->Write(30));
  clock_.Advance(30s);
  const uint64_t points = session_->recovery_points().size();
  const auto cycle = session_->RunCycle();
  ASSERT_FALSE(cycle.ok());
  EXPECT_EQ(cycle.error().code(), Code::kResyncRequired) << cycle.error().ToString();
  SessionStatus status = session_->status();
  EXPECT_EQ(status.state, ReplicationState::kResyncRequired);
  EXPECT_NE(status.resync_reason.find("modified outside hvr"), std::string::npos) << status.resync_reason;
  EXPECT_EQ(session_->recovery_points().size(), points) << "a point was made on a base hvr did not write";

  // The resync finds the page and puts the source's content back; the guest's writes
  // since the last point travel with it.
  const uint64_t before = Sent();
  ASSERT_OK(session_->Resynchronize());
  EXPECT_GE(Sent() - before, 4096u);
  EXPECT_LT(Sent() - before, status.disks[0].virtual_size / 2) << "the resync sent what differs, not the disk";
  ExpectVerified();
  ExpectPointsMatchTruth(*session_);
  // Cycles go on, checking the ETag the resync left.
  ASSERT_OK(guest_->Write(20));
  clock_.Advance(30s);
  ASSERT_OK(session_->RunCycle());
  ExpectPointsMatchTruth(*session_);
}

TEST_P(ReplicaGuardTest, AResyncSendsWhatSomeoneElseWrote) {
  Replicating(1);
  WriteBehindHvrsBack();
  const uint64_t before = Sent();
  ASSERT_OK(session_->Resynchronize());
  EXPECT_GE(Sent() - before, 4096u) << "the resync trusted the manifest";
  bool noted = false;
  const auto jobs = session_->jobs();
  for (const JobStep& step : jobs.back().steps) {
    noted = noted || step.message.find("replica read first: replica disk") != std::string::npos;
  }
  EXPECT_TRUE(noted) << "the job says why the replica was read";
  ExpectVerified();
}

// What the ETag cannot tell: a record lost with a crash in the middle of hvr's own writes
// (or a state from before ETags were recorded). The resync trusts the manifest then; an
// operator who doubts the replica asks for it to be read.
TEST_P(ReplicaGuardTest, AnOperatorAsksForTheReplicaToBeRead) {
  Replicating(1);
  session_.reset();
  {
    ASSERT_OK_AND_ASSIGN(StateDir dir, StateDir::Open(state_dir_, false, false));
    ASSERT_OK_AND_ASSIGN(SessionState state, dir.LoadState());
    ASSERT_FALSE(state.disks[0].replica_etag.empty()) << "the last operation recorded the ETag";
    state.disks[0].replica_etag.clear();
    ASSERT_OK(dir.SaveState(state));
  }
  session_ = Reopen();
  ASSERT_TRUE(session_);
  WriteBehindHvrsBack();
  uint64_t before = Sent();
  ASSERT_OK(session_->Resynchronize());
  EXPECT_EQ(Sent() - before, 0u) << "nothing recorded, nothing doubted";
  ASSERT_OK_AND_ASSIGN(VerifyReport report, session_->Verify("latest"));
  EXPECT_FALSE(report.identical());

  // Asked from another process (hvrepl resync --verify-replica while replication runs).
  ASSERT_OK_AND_ASSIGN(auto reader, Session::Open(*engine_, state_dir_, {}, true));
  ResyncOptions verify;
  verify.verify_replica = true;
  ASSERT_OK(reader->RequestResync("the replica is in doubt", verify));
  before = Sent();
  ASSERT_OK_AND_ASSIGN(const bool ran, session_->RunDue());
  EXPECT_TRUE(ran);
  EXPECT_EQ(session_->jobs().back().type, JobType::kResynchronization);
  EXPECT_GE(Sent() - before, 4096u);
  ExpectVerified();
  // Asked once: the next resync trusts the manifest again, and has nothing to send.
  before = Sent();
  ASSERT_OK(session_->Resynchronize());
  EXPECT_EQ(Sent() - before, 0u);
}

INSTANTIATE_TEST_SUITE_P(Stores, ReplicaGuardTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

}  // namespace
}  // namespace hvr::testing
