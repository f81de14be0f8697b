// Which recovery points retention keeps, how an operator names one, and the tags on
// each disk's snapshot.
#include <gtest/gtest.h>

#include <set>

#include "hvr/azure_limits.hpp"
#include "session/recovery_points.hpp"
#include "store/validation.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr {
namespace {

using namespace std::chrono_literals;

const TimePoint kNow = TimePoint(std::chrono::seconds(1714564800));  // on the hour

std::vector<VmRecoveryPoint> EveryFiveMinutes(Duration span, std::set<uint64_t> app_consistent = {}) {
  std::vector<VmRecoveryPoint> points;
  uint64_t seq = 1;
  for (TimePoint t = kNow - span; t <= kNow; t += 5min, ++seq) {
    points.push_back(VmRecoveryPoint{std::to_string(seq), seq, t, t, app_consistent.count(seq) > 0, {}, {}});
  }
  return points;
}

TEST(RetentionTest, TheLastHourIsKeptWholeOlderHoursOneEach) {
  const auto points = EveryFiveMinutes(3h);  // 37 points
  const auto prune = PointsToPrune(points, kNow, 24h);
  std::set<uint64_t> kept;
  for (const auto& p : points) kept.insert(p.sequence);
  for (uint64_t s : prune) kept.erase(s);
  // The last hour: 13 points (00, 05 ... 60 minutes ago counts as older). Older hours:
  // the newest of each.
  size_t recent = 0;
  for (const auto& p : points) recent += kept.count(p.sequence) && p.source_time >= kNow - 1h;
  EXPECT_EQ(recent, 13u);
  EXPECT_EQ(kept.size(), 13u + 2u);
  EXPECT_TRUE(kept.count(points.back().sequence));
}

TEST(RetentionTest, PointsOlderThanTheHistoryGoButTheNewestStays) {
  auto points = EveryFiveMinutes(3h);
  auto prune = PointsToPrune(points, kNow, 1h);
  for (uint64_t s : prune) EXPECT_LT(points[s - 1].source_time, kNow - 1h);
  EXPECT_EQ(points.size() - prune.size(), 13u);
  // Replication stopped long ago: the newest point is all there is and it stays.
  prune = PointsToPrune(points, kNow + 48h, 24h);
  EXPECT_EQ(prune.size(), points.size() - 1);
  EXPECT_EQ(std::count(prune.begin(), prune.end(), points.back().sequence), 0);
  EXPECT_TRUE(PointsToPrune({}, kNow, 1h).empty());
}

TEST(RetentionTest, AppConsistentPointsStayWithinTheHistory) {
  const auto points = EveryFiveMinutes(3h, {2, 3});
  const auto prune = PointsToPrune(points, kNow, 24h);
  EXPECT_EQ(std::count(prune.begin(), prune.end(), 2u), 0);
  EXPECT_EQ(std::count(prune.begin(), prune.end(), 3u), 0);
}

TEST(ChoosePointTest, LatestLatestAppConsistentOrById) {
  const auto points = EveryFiveMinutes(30min, {3});
  ASSERT_OK_AND_ASSIGN(auto p, ChoosePoint(points, "latest"));
  EXPECT_EQ(p.sequence, points.back().sequence);
  ASSERT_OK_AND_ASSIGN(p, ChoosePoint(points, "latest-app-consistent"));
  EXPECT_EQ(p.sequence, 3u);
  ASSERT_OK_AND_ASSIGN(p, ChoosePoint(points, "5"));
  EXPECT_EQ(p.sequence, 5u);
  EXPECT_EQ(CodeOf(ChoosePoint(points, "99")), Code::kNotFound);
  EXPECT_EQ(CodeOf(ChoosePoint(EveryFiveMinutes(10min), "latest-app-consistent")), Code::kNotFound);
  EXPECT_EQ(CodeOf(ChoosePoint({}, "latest")), Code::kNotFound);
}

TEST(PointTagTest, RoundTripsThroughSnapshotMetadata) {
  const PointTag tag{Guid::Random(), 42, kNow, Guid::Random().ToString(), 3,
                     {DiskDigest("vm01-disk0"), DiskDigest("vm01-disk2"), DiskDigest("vm01-disk3")}};
  const Metadata m = ToMetadata(tag);
  ASSERT_OK(ValidateMetadata(m));
  const auto back = PointTagOf(m);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->vm_id, tag.vm_id);
  EXPECT_EQ(back->sequence, 42u);
  EXPECT_EQ(back->source_time, kNow);
  EXPECT_EQ(back->log_id, tag.log_id);
  EXPECT_EQ(back->disk_count, 3u);
  EXPECT_EQ(back->disk_set, tag.disk_set);
  // A tag written before points carried their disk count reads as no count.
  Metadata old = m;
  old.erase("disks");
  ASSERT_TRUE(PointTagOf(old).has_value());
  EXPECT_EQ(PointTagOf(old)->disk_count, 0u);
  old.erase("disk_set");
  EXPECT_TRUE(PointTagOf(old)->disk_set.empty());
  EXPECT_FALSE(PointTagOf({{"point", "x"}}).has_value());
  EXPECT_TRUE(PointTagOf(ToMetadata(PointTag{tag.vm_id, 1, kNow, ""}))->log_id.empty());
}

TEST(PointTagTest, TheLargestVmsDiskSetFitsASnapshotsMetadata) {
  // Azure's most disks, each with the longest replica name.
  PointTag tag{Guid::Random(), 1, kNow, Guid::Random().ToString(), DefaultAzureLimits().max_disks};
  for (size_t i = 0; i < tag.disk_count; ++i) {
    const std::string number = std::to_string(i);
    tag.disk_set.push_back(DiskDigest(std::string(128 - number.size(), 'd') + number));
  }
  EXPECT_OK(ValidateMetadata(ToMetadata(tag)));
  EXPECT_EQ(std::set<std::string>(tag.disk_set.begin(), tag.disk_set.end()).size(), tag.disk_count);
  EXPECT_EQ(PointTagOf(ToMetadata(tag))->disk_set, tag.disk_set);
}

}  // namespace
}  // namespace hvr
