#include "store/azure/adaptive_limit.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "store/azure/async_semaphore.hpp"

namespace hvr::azure {
namespace {

TEST(AdaptiveLimitTest, HalvesWhenBusyAndGrowsBackOneAtATime) {
  AdaptiveLimit limit(16);
  EXPECT_EQ(limit.limit(), 16);
  EXPECT_EQ(limit.OnBusy(limit.epoch()), 8);
  EXPECT_EQ(limit.OnBusy(limit.epoch()), 4);
  // A limit's worth of successes adds one.
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limit.OnSuccess().has_value());
  EXPECT_EQ(limit.OnSuccess(), 5);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(limit.OnSuccess().has_value());
  EXPECT_EQ(limit.OnSuccess(), 6);
}

TEST(AdaptiveLimitTest, BusyAnswersToRequestsSentBeforeTheLastDecreaseChangeNothing) {
  AdaptiveLimit limit(8);
  const uint64_t sent = limit.epoch();  // eight requests leave together...
  EXPECT_EQ(limit.OnBusy(sent), 4);     // ...and all come back busy: one halving
  for (int i = 0; i < 7; ++i) EXPECT_FALSE(limit.OnBusy(sent).has_value());
  EXPECT_EQ(limit.limit(), 4);
  EXPECT_EQ(limit.OnBusy(limit.epoch()), 2);  // a request sent at the new rate is news
}

TEST(AdaptiveLimitTest, NeverBelowOneNorAboveTheMaximum) {
  AdaptiveLimit limit(3);
  for (int i = 0; i < 5; ++i) (void)limit.OnBusy(limit.epoch());
  EXPECT_EQ(limit.limit(), 1);
  for (int i = 0; i < 100; ++i) (void)limit.OnSuccess();
  EXPECT_EQ(limit.limit(), 3);
  EXPECT_EQ(AdaptiveLimit(0).limit(), 1);
}

TEST(AsyncSemaphoreTest, ALowerLimitAdmitsNobodyUntilEnoughUnitsCameBack) {
  boost::asio::io_context io;
  AsyncSemaphore semaphore(io.get_executor(), 4);
  int admitted = 0;
  for (int i = 0; i < 6; ++i) semaphore.AsyncAcquire([&] { ++admitted; });
  io.run();
  io.restart();
  EXPECT_EQ(admitted, 4);
  semaphore.SetLimit(2);
  semaphore.Release();
  semaphore.Release();
  io.run();
  io.restart();
  EXPECT_EQ(admitted, 4) << "the two still in flight fill the new limit";
  semaphore.Release();
  io.run();
  io.restart();
  EXPECT_EQ(admitted, 5);
  semaphore.SetLimit(3);  // room for one more at once
  io.run();
  EXPECT_EQ(admitted, 6);
}

}  // namespace
}  // namespace hvr::azure
