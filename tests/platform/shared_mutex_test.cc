#include "platform/shared_mutex.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace hvr {
namespace {

TEST(SharedMutexTest, AWriterExcludesEveryoneAndReadersShare) {
  SharedMutex mu;
  {
    std::unique_lock writer(mu);
    EXPECT_FALSE(mu.try_lock());
    EXPECT_FALSE(mu.try_lock_shared());
  }
  std::shared_lock reader(mu);
  EXPECT_TRUE(mu.try_lock_shared());
  mu.unlock_shared();
  EXPECT_FALSE(mu.try_lock());
}

// Writers keep two counters equal; a reader that ever sees them apart was let in beside a
// writer (what MinGW-w64's std::shared_mutex did, platform/shared_mutex.hpp).
TEST(SharedMutexTest, NoReaderSeesAWriterHalfWay) {
  SharedMutex mu;
  uint64_t first = 0;
  uint64_t second = 0;
  std::atomic<int> torn{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20'000; ++i) {
        if ((i + t) % 4 == 0) {
          std::unique_lock writer(mu);
          ++first;
          std::atomic_signal_fence(std::memory_order_seq_cst);  // the two steps stay apart
          ++second;
        } else {
          std::shared_lock reader(mu);
          if (first != second) torn.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(first, 8u * 5'000u);
  EXPECT_EQ(second, first);
}

}  // namespace
}  // namespace hvr
