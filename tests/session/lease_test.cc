// One writer per replica: the lease a session takes is its agent's, so a copy of a state
// directory is another agent, which never writes the replicas.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "session/session_fixture.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using boost::asio::use_future;
using namespace std::chrono_literals;

class LeaseTest : public SessionFixture {};

TEST_P(LeaseTest, ACopiedStateDirectoryNeverWrites) {
  Replicating(1, 50);
  const std::string replica = session_->status().disks[0].replica;
  // cp -a state state-copy, while the original replicates on.
  const std::string copy = scratch_.File("state-copy");
  std::filesystem::copy(state_dir_, copy,
                        std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks);
  ASSERT_OK_AND_ASSIGN(const DiskProperties before, Store().AsyncGetDisk(replica, use_future).get());
  ASSERT_OK_AND_ASSIGN(const auto snapshots_before, Store().AsyncListSnapshots(replica, use_future).get());

  ASSERT_OK(guest_->Write(50));
  clock_.Advance(30s);
  ASSERT_OK_AND_ASSIGN(auto second, Session::Open(*engine_, copy, Options()));
  const auto cycle = second->RunCycle();
  ASSERT_FALSE(cycle.ok());
  EXPECT_EQ(cycle.error().code(), Code::kConflict) << cycle.error().ToString();
  const auto resync = second->Resynchronize();
  ASSERT_FALSE(resync.ok());
  EXPECT_EQ(resync.error().code(), Code::kConflict) << resync.error().ToString();

  ASSERT_OK_AND_ASSIGN(const DiskProperties after, Store().AsyncGetDisk(replica, use_future).get());
  EXPECT_EQ(after.etag, before.etag) << "the copy wrote the replica";
  ASSERT_OK_AND_ASSIGN(const auto snapshots_after, Store().AsyncListSnapshots(replica, use_future).get());
  EXPECT_EQ(snapshots_after.size(), snapshots_before.size()) << "the copy took a recovery point";

  // The original is the one agent: it goes on, and every point holds the source.
  ASSERT_OK(session_->RunCycle());
  EXPECT_EQ(session_->status().recovery_point_count, 3u);
  ExpectPointsMatchTruth(*session_);
}

INSTANTIATE_TEST_SUITE_P(Stores, LeaseTest, ::testing::Values(Backend::kLocal, Backend::kAzuriteHttp),
                         BackendParamName);

}  // namespace
}  // namespace hvr::testing
