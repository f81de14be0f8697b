// The shaping proxy's arithmetic against a clock the test moves.
#include "test_util/token_bucket.hpp"

#include <gtest/gtest.h>

namespace hvr {
namespace {

using namespace std::chrono_literals;
using BucketClock = TokenBucket::Clock;

TEST(TokenBucketTest, BookingBeyondTheLevelMakesTheTakerWaitForTheDebt) {
  const BucketClock::time_point t0{};
  TokenBucket bucket(1000, 100, t0);  // 1000 a second, 100 of burst
  EXPECT_EQ(bucket.Book(100, t0), BucketClock::duration::zero());
  EXPECT_EQ(bucket.Book(500, t0), std::chrono::duration_cast<BucketClock::duration>(500ms));
  // The debt is repaid at the rate: 500 ms later the bucket is empty, not in debt.
  EXPECT_DOUBLE_EQ(bucket.level(t0 + 500ms), 0);
  EXPECT_DOUBLE_EQ(bucket.level(t0 + 10s), 100);  // never above its capacity
}

TEST(TokenBucketTest, SendersBookingPieceByPieceKeepToTheRate) {
  BucketClock::time_point now{};
  TokenBucket bucket(1 << 20, 64 << 10, now);  // 1 MiB a second
  const auto start = now;
  for (int i = 0; i < 160; ++i) now += bucket.Book(64 << 10, now);  // 10 MiB
  EXPECT_NEAR(std::chrono::duration<double>(now - start).count(), 10.0 - 1.0 / 16, 1e-6);
}

TEST(TokenBucketTest, TryTakeTakesNothingWhenTheBucketLacksTheTokens) {
  const BucketClock::time_point t0{};
  TokenBucket bucket(10, 2, t0);
  EXPECT_TRUE(bucket.TryTake(1, t0));
  EXPECT_TRUE(bucket.TryTake(1, t0));
  EXPECT_FALSE(bucket.TryTake(1, t0));
  EXPECT_FALSE(bucket.TryTake(1, t0 + 50ms));
  EXPECT_TRUE(bucket.TryTake(1, t0 + 100ms));
  // More than its capacity: taken from a full bucket, which goes into debt.
  EXPECT_TRUE(bucket.TryTake(5, t0 + 1s));
  EXPECT_DOUBLE_EQ(bucket.level(t0 + 1s), -3);
}

TEST(TokenBucketTest, RefusesRatesAndCapacitiesThatAreNotPositive) {
  EXPECT_THROW(TokenBucket(0, 1, BucketClock::time_point{}), std::invalid_argument);
  EXPECT_THROW(TokenBucket(1, 0, BucketClock::time_point{}), std::invalid_argument);
}

TEST(BlobLimitsTest, AdmitsTheRequestRateOfEachBlobAndNoMore) {
  BucketClock::time_point now{};
  BlobLimits limits(500, 60 << 20);
  int admitted = 0;
  // 2000 requests offered evenly over 2 s: 1000 a second against a target of 500.
  for (int i = 0; i < 2000; ++i, now += 1ms) admitted += limits.Admit("/c/disk0", now);
  EXPECT_NEAR(admitted, 500 * 2 + 50, 2);  // the rate for 2 s and a tenth of a second of burst
  EXPECT_TRUE(limits.Admit("/c/disk1", now));
}

TEST(BlobLimitsTest, RefusesRequestsWhileTheBlobsBytesMoveFasterThanItsTarget) {
  const BucketClock::time_point t0{};
  BlobLimits limits(500, 60 << 20);
  EXPECT_TRUE(limits.Admit("/c/disk0", t0));
  limits.CountBytes("/c/disk0", 120 << 20, t0);  // two seconds' worth at once
  EXPECT_FALSE(limits.Admit("/c/disk0", t0 + 1s));
  EXPECT_TRUE(limits.Admit("/c/disk0", t0 + 2s));
  // Requests in flight together share the target: 8 pages of 4 MiB begun at once are
  // admitted while their bytes have not yet moved.
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(limits.Admit("/c/disk1", t0));
}

TEST(BlobLimitsTest, RequestsOnAccountsAndContainersAddressNoBlob) {
  EXPECT_EQ(BlobOfTarget("/devstoreaccount1/replicas/disk0?comp=page"), "/devstoreaccount1/replicas/disk0");
  EXPECT_EQ(BlobOfTarget("/devstoreaccount1/replicas?restype=container&comp=list"), "");
}

}  // namespace
}  // namespace hvr
