// The worker pool behind hashing and diffing: every item once, never more workers than
// asked, the lowest failing item's error, cancellation and exceptions as errors.
#include "util/parallel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <new>
#include <stdexcept>
#include <thread>
#include <vector>

#include "test_util/result_assertions.hpp"

namespace hvr {
namespace {

TEST(ParallelForTest, RunsEveryItemOnceOnTheWorkersAsked) {
  constexpr uint64_t kItems = 1000;
  constexpr unsigned kWorkers = 4;
  std::vector<std::atomic<int>> runs(kItems);
  std::atomic<int> busy{0}, most{0};
  std::mutex mu;
  std::vector<unsigned> workers_seen;
  ASSERT_OK(ParallelFor(kItems, kWorkers, nullptr, "test", [&](uint64_t item, unsigned worker) -> Status {
    const int now = ++busy;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    ++runs[item];
    {
      std::lock_guard lock(mu);
      workers_seen.push_back(worker);
    }
    --busy;
    return Ok();
  }));
  for (uint64_t item = 0; item < kItems; ++item) EXPECT_EQ(runs[item].load(), 1) << "item " << item;
  EXPECT_LE(most.load(), static_cast<int>(kWorkers));
  for (unsigned worker : workers_seen) EXPECT_LT(worker, kWorkers);
}

TEST(ParallelForTest, TheLowestFailingItemsErrorIsReturned) {
  // Items are taken in order, so item 2 is always taken (and fails) before item 5 can stop
  // the rest; whichever fails first, the answer is item 2's.
  for (int round = 0; round < 20; ++round) {
    const Status status = ParallelFor(100, 4, nullptr, "test", [](uint64_t item, unsigned) -> Status {
      if (item == 5) return Error(Code::kIo, "item 5");
      if (item == 2) {
        std::this_thread::yield();
        return Error(Code::kCorruptData, "item 2");
      }
      return Ok();
    });
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().message(), "item 2");
  }
}

TEST(ParallelForTest, AFailureStopsTheItemsNotYetTaken) {
  std::atomic<uint64_t> ran{0};
  const Status status = ParallelFor(100000, 2, nullptr, "test", [&](uint64_t item, unsigned) -> Status {
    ++ran;
    return item == 10 ? Error(Code::kIo, "item 10") : Ok();
  });
  EXPECT_EQ(CodeOf(status), Code::kIo);
  EXPECT_LT(ran.load(), 100000u);
}

TEST(ParallelForTest, ACancelledTokenRunsNothingAndNamesTheWork) {
  CancelToken cancel;
  cancel.Cancel();
  std::atomic<int> ran{0};
  const Status status = ParallelFor(10, 2, &cancel, "hashing disk0", [&](uint64_t, unsigned) -> Status {
    ++ran;
    return Ok();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), Code::kCancelled);
  EXPECT_NE(status.error().message().find("hashing disk0"), std::string::npos);
  EXPECT_EQ(ran.load(), 0);
}

TEST(ParallelForTest, ExceptionsBecomeErrorsNotTermination) {
  const Status no_memory = ParallelFor(8, 2, nullptr, "test", [](uint64_t item, unsigned) -> Status {
    if (item == 3) throw std::bad_alloc();
    return Ok();
  });
  EXPECT_EQ(CodeOf(no_memory), Code::kLowMemory);
  const Status thrown = ParallelFor(8, 2, nullptr, "test", [](uint64_t item, unsigned) -> Status {
    if (item == 3) throw std::runtime_error("broken");
    return Ok();
  });
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error().code(), Code::kInternal);
  EXPECT_NE(thrown.error().message().find("broken"), std::string::npos);
}

TEST(ParallelForTest, NoItemsIsSuccess) {
  EXPECT_OK(ParallelFor(0, 4, nullptr, "test", [](uint64_t, unsigned) -> Status { return Error(Code::kInternal, "ran"); }));
}

TEST(WorkerCountTest, NeverMoreThanTheItemsAndAtLeastOne) {
  EXPECT_EQ(WorkerCount(8, 3), 3u);
  EXPECT_EQ(WorkerCount(2, 100), 2u);
  EXPECT_EQ(WorkerCount(4, 0), 1u);
  EXPECT_GE(WorkerCount(0, 1000), 1u);  // one per core
  EXPECT_LE(WorkerCount(0, 1000), std::max(1u, std::thread::hardware_concurrency()));
}

TEST(ProgressMeterTest, ReportsInOrderUpToTheTotalAndOnceAtTheEnd) {
  std::vector<uint64_t> reported;
  const ProgressFn fn = [&](uint64_t done, uint64_t total) {
    EXPECT_EQ(total, 10000u);
    reported.push_back(done);
  };
  ProgressMeter meter(fn, 10000);
  for (int i = 0; i < 10000; ++i) meter.Add(1);
  ASSERT_FALSE(reported.empty());
  EXPECT_EQ(reported.back(), 10000u);
  EXPECT_LE(reported.size(), 1001u) << "about a thousand calls over the whole job";
  for (size_t i = 1; i < reported.size(); ++i) EXPECT_GT(reported[i], reported[i - 1]);
}

}  // namespace
}  // namespace hvr
