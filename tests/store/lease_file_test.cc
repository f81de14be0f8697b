#include "store/local/lease_file.hpp"

#include <gtest/gtest.h>

#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using namespace std::chrono_literals;
const TimePoint kT0 = TimePoint(std::chrono::seconds(1714564800));

TEST(LeaseFileTest, StatesFollowTime) {
  EXPECT_EQ(EffectiveLeaseState(std::nullopt, kT0), LeaseState::kAvailable);
  LeaseRecord lease{"id-a", 15s, kT0 + 15s, std::nullopt};
  EXPECT_EQ(EffectiveLeaseState(lease, kT0 + 14s), LeaseState::kLeased);
  EXPECT_EQ(EffectiveLeaseState(lease, kT0 + 15s), LeaseState::kExpired);
  LeaseRecord infinite{"id-a", kInfiniteLease, std::nullopt, std::nullopt};
  EXPECT_EQ(EffectiveLeaseState(infinite, kT0 + 1000h), LeaseState::kLeased);
  infinite.break_ends = kT0 + 10s;
  EXPECT_EQ(EffectiveLeaseState(infinite, kT0 + 5s), LeaseState::kBreaking);
  EXPECT_EQ(EffectiveLeaseState(infinite, kT0 + 10s), LeaseState::kBroken);
}

TEST(LeaseFileTest, WritesNeedTheActiveLeasesId) {
  const LeaseRecord lease{"id-a", 15s, kT0 + 15s, std::nullopt};
  EXPECT_OK(CheckWriteLease(lease, "id-a", kT0, "d"));
  EXPECT_EQ(CodeOf(CheckWriteLease(lease, "", kT0, "d")), Code::kConflict);
  EXPECT_EQ(CodeOf(CheckWriteLease(lease, "id-b", kT0, "d")), Code::kConflict);
  // Expired: writing without a lease is fine, writing with the lost one is not.
  EXPECT_OK(CheckWriteLease(lease, "", kT0 + 20s, "d"));
  const Status lost = CheckWriteLease(lease, "id-a", kT0 + 20s, "d");
  ASSERT_EQ(CodeOf(lost), Code::kConflict);
  EXPECT_NE(lost.error().message().find("expired or was broken"), std::string::npos);
  EXPECT_OK(CheckWriteLease(std::nullopt, "", kT0, "d"));
}

TEST(LeaseFileTest, AcquireRenewReleaseBreak) {
  ASSERT_OK_AND_ASSIGN(const LeaseRecord a, AcquireLeaseRecord(std::nullopt, 15s, "", kT0, "d"));
  EXPECT_FALSE(a.id.empty());
  EXPECT_EQ(a.expires, kT0 + 15s);
  EXPECT_EQ(CodeOf(AcquireLeaseRecord(a, 15s, "other", kT0 + 1s, "d")), Code::kConflict);
  ASSERT_OK_AND_ASSIGN(const LeaseRecord again, AcquireLeaseRecord(a, 30s, a.id, kT0 + 1s, "d"));
  EXPECT_EQ(again.expires, kT0 + 31s);
  ASSERT_OK_AND_ASSIGN(const LeaseRecord taken, AcquireLeaseRecord(a, 15s, "other", kT0 + 16s, "d"));
  EXPECT_EQ(taken.id, "other");
  // Renewal after expiry works while nobody took the lease.
  ASSERT_OK_AND_ASSIGN(const LeaseRecord renewed, RenewLeaseRecord(a, a.id, kT0 + 20s, "d"));
  EXPECT_EQ(renewed.expires, kT0 + 35s);
  EXPECT_EQ(CodeOf(RenewLeaseRecord(taken, a.id, kT0 + 20s, "d")), Code::kConflict);
  EXPECT_OK(CheckReleaseLease(a, a.id, "d"));
  EXPECT_EQ(CodeOf(CheckReleaseLease(taken, a.id, "d")), Code::kConflict);
  // Breaking: at once with a zero period, else when the period or the lease ends.
  ASSERT_OK_AND_ASSIGN(const auto gone, BreakLeaseRecord(a, 0s, kT0, "d"));
  EXPECT_FALSE(gone);
  ASSERT_OK_AND_ASSIGN(const auto breaking, BreakLeaseRecord(a, 60s, kT0, "d"));
  ASSERT_TRUE(breaking);
  EXPECT_EQ(breaking->break_ends, kT0 + 15s);
  EXPECT_EQ(CodeOf(AcquireLeaseRecord(*breaking, 15s, "x", kT0 + 1s, "d")), Code::kConflict);
  EXPECT_EQ(CodeOf(RenewLeaseRecord(*breaking, a.id, kT0 + 1s, "d")), Code::kConflict);
  EXPECT_EQ(CodeOf(BreakLeaseRecord(std::nullopt, 0s, kT0, "d")), Code::kConflict);
}

TEST(LeaseFileTest, RecordsSurviveTheFileAndDamageIsNamed) {
  TempDir dir;
  const std::string path = dir.File("lease.json");
  ASSERT_OK_AND_ASSIGN(const auto none, ReadLease(path));
  EXPECT_FALSE(none);
  const LeaseRecord lease{"id-a", 30s, kT0 + 30s, kT0 + 5s};
  ASSERT_OK(WriteLease(path, lease));
  ASSERT_OK_AND_ASSIGN(const auto back, ReadLease(path));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, "id-a");
  EXPECT_EQ(back->duration, 30s);
  EXPECT_EQ(back->expires, kT0 + 30s);
  EXPECT_EQ(back->break_ends, kT0 + 5s);
  ASSERT_OK(WriteFileAtomically(path, R"({"body":{"id":"x","duration_s":15},"xxh3":"0000000000000000"})"));
  const auto damaged = ReadLease(path);
  ASSERT_EQ(CodeOf(damaged), Code::kCorruptData);
  EXPECT_NE(damaged.error().message().find(path), std::string::npos);
  ASSERT_OK(RemoveLease(path));
  ASSERT_OK(RemoveLease(path));
}

}  // namespace
}  // namespace hvr
