// Replication statistics (docs/monitoring.md) after a scripted sequence: cycles that ship,
// intervals missed, a failure, a resync, resets asked for by this process and by another.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>

#include "session/session_fixture.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;
using boost::asio::use_future;

class StatisticsTest : public SessionFixture {
 protected:
  // Writes, waits `wait`, and runs a cycle that must succeed; what it sent.
  uint64_t Cycle(std::chrono::seconds wait = 30s) {
    EXPECT_OK(guest_->Write(40));
    clock_.Advance(wait);
    auto report = session_->RunCycle();
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? report->bytes_sent : 0;
  }
};

TEST_P(StatisticsTest, CountsCyclesMissesFailuresAndResyncs) {
  Replicating(0);
  const TimePoint protected_at = session_->status().statistics.since;
  ReplicationStatistics r = session_->status().statistics;
  EXPECT_EQ(r.successful_cycles, 0u);
  const uint64_t initial_bytes = r.bytes_sent;
  EXPECT_GT(initial_bytes, 0u) << "the initial copy is sent";

  std::vector<uint64_t> sent;
  sent.push_back(Cycle());
  // Four intervals until the next cycle: three were missed.
  sent.push_back(Cycle(120s));

  // Another agent holds the replica's lease: the next cycle fails.
  const std::string replica = session_->status().disks[0].replica;
  StoreOptions options = OptionsFor(GetParam());
  options.clock = &clock_;
  auto other = OpenStore(target_, options, engine_->executor());
  ASSERT_OK(other);
  ASSERT_OK((*other)->AsyncBreakLease(replica, 0s, use_future).get());
  ASSERT_OK((*other)->AsyncAcquireLease(replica, kInfiniteLease, "", use_future).get());
  ASSERT_OK(guest_->Write(40));
  clock_.Advance(30s);
  EXPECT_FALSE(session_->RunCycle().ok());
  ASSERT_OK((*other)->AsyncReleaseLease(replica, use_future).get());
  sent.push_back(Cycle());

  ASSERT_OK(session_->Resynchronize());

  r = session_->status().statistics;
  EXPECT_EQ(r.since, protected_at);
  EXPECT_EQ(r.successful_cycles, 3u);
  EXPECT_EQ(r.cycles_with_point, 3u);
  EXPECT_EQ(r.missed_cycles, 3u);
  EXPECT_EQ(r.failed_cycles, 1u);
  EXPECT_EQ(r.network_failures, 0u);
  EXPECT_EQ(r.app_consistent_failures, 0u);
  EXPECT_EQ(r.resyncs, 1u);
  EXPECT_EQ(r.cycle_bytes_total, sent[0] + sent[1] + sent[2]);
  EXPECT_EQ(r.cycle_bytes_max, std::max({sent[0], sent[1], sent[2]}));
  EXPECT_EQ(r.average_cycle_bytes(), (sent[0] + sent[1] + sent[2]) / 3);
  EXPECT_EQ(r.bytes_sent, initial_bytes + r.cycle_bytes_total + r.resync_bytes);
  EXPECT_EQ(r.bytes_sent, session_->status().bytes_sent) << "every byte the disks count";
  EXPECT_GE(r.latency_max, r.average_latency());
  ASSERT_TRUE(r.last_cycle_duration);

  // Kept in the state directory.
  session_.reset();
  session_ = Reopen();
  ASSERT_TRUE(session_);
  const ReplicationStatistics reopened = session_->status().statistics;
  EXPECT_EQ(reopened.successful_cycles, 3u);
  EXPECT_EQ(reopened.missed_cycles, 3u);
  EXPECT_EQ(reopened.latency_total, r.latency_total - r.latency_total % std::chrono::milliseconds(1));

  // A reset starts the statistics since the reset again; those since protection stay.
  clock_.Advance(1h);
  ASSERT_OK(session_->ResetStatistics());
  r = session_->status().statistics;
  EXPECT_EQ(r.since, clock_.Now());
  EXPECT_EQ(r.successful_cycles, 0u);
  EXPECT_EQ(r.bytes_sent, 0u);
  Cycle();
  EXPECT_EQ(session_->status().statistics.successful_cycles, 1u);
  // The hour without a cycle is counted when the next cycle starts, after the reset.
  EXPECT_EQ(session_->status().statistics.missed_cycles, 120u);
  const ReplicationStatistics lifetime = session_->status().lifetime_statistics;
  EXPECT_EQ(ToUnixSeconds(lifetime.since), ToUnixSeconds(protected_at)) << "kept in whole seconds";
  EXPECT_EQ(lifetime.successful_cycles, 4u);
  EXPECT_EQ(lifetime.failed_cycles, 1u);
  EXPECT_EQ(lifetime.missed_cycles, 123u);
  EXPECT_EQ(lifetime.resyncs, 1u);

  // Another process asks; the one running the VM resets at its next RunDue.
  auto reader = Session::Open(*engine_, state_dir_, Options(), /*read_only=*/true);
  ASSERT_OK(reader);
  ASSERT_OK((*reader)->ResetStatistics());
  EXPECT_EQ(session_->status().statistics.successful_cycles, 1u);
  ASSERT_OK(session_->RunDue());
  EXPECT_EQ(session_->status().statistics.successful_cycles, 0u);
  EXPECT_EQ(session_->status().lifetime_statistics.successful_cycles, 4u);
}

INSTANTIATE_TEST_SUITE_P(Stores, StatisticsTest, ::testing::Values(Backend::kLocal), BackendParamName);

}  // namespace
}  // namespace hvr::testing
