#include "store/azure/blob_pacer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hvr::azure {
namespace {

using namespace std::chrono_literals;
using Clock = BlobPacer::Clock;

TEST(BlobPacerTest, SpacesEachBlobsRequestsAtItsRate) {
  BlobPacer pacer(500);  // 2 ms apart
  const Clock::time_point t0{1s};
  EXPECT_EQ(pacer.Reserve("disk0", t0), t0);
  EXPECT_EQ(pacer.Reserve("disk0", t0), t0 + 2ms);
  EXPECT_EQ(pacer.Reserve("disk0", t0 + 1ms), t0 + 4ms);
  // Another blob has a rate of its own.
  EXPECT_EQ(pacer.Reserve("disk1", t0 + 1ms), t0 + 1ms);
  EXPECT_EQ(pacer.Reserve("disk1", t0 + 1ms), t0 + 3ms);
}

TEST(BlobPacerTest, IdleTimeEarnsNoBurst) {
  BlobPacer pacer(100);  // 10 ms apart
  const Clock::time_point t0{1s};
  EXPECT_EQ(pacer.Reserve("disk0", t0), t0);
  // A second later the next request goes at once, and the one after it 10 ms later.
  EXPECT_EQ(pacer.Reserve("disk0", t0 + 1s), t0 + 1s);
  EXPECT_EQ(pacer.Reserve("disk0", t0 + 1s), t0 + 1s + 10ms);
}

TEST(BlobPacerTest, ManyBlobsAreForgottenOnceTheirStartsHavePassed) {
  BlobPacer pacer(1);  // a second apart
  const Clock::time_point t0{1s};
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(pacer.Reserve("disk" + std::to_string(i), t0), t0);
  // Swept or not, a blob whose next start has passed goes at once; one still waiting
  // keeps its place.
  EXPECT_EQ(pacer.Reserve("disk0", t0 + 2s), t0 + 2s);
  EXPECT_EQ(pacer.Reserve("disk0", t0 + 2s), t0 + 3s);
}

}  // namespace
}  // namespace hvr::azure
