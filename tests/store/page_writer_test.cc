// The pieces every replica write goes through: the buffer pool that bounds memory and
// requests in flight, and the choice of what in a buffer is worth sending.
#include "store/page_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "hvr/sync_store.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

constexpr size_t kSize = 64 * 1024;

TEST(BufferPoolTest, HandsOutZeroedAlignedBuffersOfItsSize) {
  BufferPool pool(2, kSize);
  auto buffer = pool.Take();
  ASSERT_TRUE(buffer.ok()) << buffer.error().message();
  EXPECT_EQ(buffer->size(), kSize);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer->data()) % AlignedBuffer::kAlignment, 0u);
  EXPECT_EQ(buffer->data()[kSize - 1], 0);
  pool.Give(std::move(*buffer));
  pool.WaitAll();
}

TEST(BufferPoolTest, AGivenBackBufferIsHandedOutAgainRatherThanANewOne) {
  BufferPool pool(4, kSize);
  auto first = pool.Take();
  ASSERT_TRUE(first.ok());
  uint8_t* const address = first->data();
  first->data()[0] = 42;
  pool.Give(std::move(*first));
  auto again = pool.Take();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->data(), address);
  EXPECT_EQ(again->data()[0], 42) << "reused as it was: the taker fills what it sends";
  pool.Give(std::move(*again));
}

TEST(BufferPoolTest, TakingMoreThanTheCountWaitsForOneToComeBack) {
  BufferPool pool(2, kSize);
  std::vector<BufferPool::Buffer> held;
  for (int i = 0; i < 2; ++i) {
    auto b = pool.Take();
    ASSERT_TRUE(b.ok());
    held.push_back(std::move(*b));
  }
  std::atomic<bool> got{false};
  std::thread taker([&] {
    auto b = pool.Take();
    got = b.ok();
    if (b.ok()) pool.Give(std::move(*b));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(got) << "a third buffer while two are out";
  pool.Give(std::move(held.back()));
  held.pop_back();
  taker.join();
  EXPECT_TRUE(got);
  pool.Give(std::move(held.back()));
  pool.WaitAll();
}

TEST(BufferPoolTest, WaitAllWaitsOnlyForTheBuffersThatWereTaken) {
  BufferPool pool(8, kSize);
  auto b = pool.Take();
  ASSERT_TRUE(b.ok());
  std::atomic<bool> given{false};
  std::thread giver([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    given = true;
    pool.Give(std::move(*b));
  });
  pool.WaitAll();  // returns once the one buffer is back, though 7 were never made
  EXPECT_TRUE(given) << "WaitAll returned while a buffer was out";
  giver.join();
}

TEST(BufferPoolTest, ABufferNoSystemCanGiveIsLowMemoryAndTheSlotStaysFree) {
  BufferPool pool(1, size_t{1} << 62);
  for (int attempt = 0; attempt < 2; ++attempt) {  // a failure does not use up the count
    auto b = pool.Take();
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.error().code(), Code::kLowMemory);
  }
  pool.WaitAll();
}

std::vector<uint8_t> WithBlocks(size_t size, const std::vector<size_t>& blocks) {
  std::vector<uint8_t> data(size, 0);
  for (size_t block : blocks) data[block * 4096 + 100] = 1;
  return data;
}

TEST(NonZeroRunsTest, AllZeroSendsNothing) {
  EXPECT_TRUE(NonZeroRuns(std::vector<uint8_t>(1 << 20, 0), 64 << 10).empty());
}

TEST(NonZeroRunsTest, BlocksJoinAcrossGapsShorterThanTheJoinGap) {
  // Blocks 0 and 15 (a 56 KiB gap) join; block 32 is 64 KiB past block 15's end: alone.
  const auto runs = NonZeroRuns(WithBlocks(1 << 20, {0, 15, 32}), 64 << 10);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0], (std::pair<size_t, size_t>{0, 16 * 4096}));
  EXPECT_EQ(runs[1], (std::pair<size_t, size_t>{32 * 4096, 33 * 4096}));
  // With no joining, each block goes alone; with a wide gap, all three go as one.
  EXPECT_EQ(NonZeroRuns(WithBlocks(1 << 20, {0, 15, 32}), 0).size(), 3u);
  EXPECT_EQ(NonZeroRuns(WithBlocks(1 << 20, {0, 15, 32}), 68 << 10).size(), 1u);
}

TEST(NonZeroRunsTest, APartialLastBlockEndsAtTheBuffer) {
  std::vector<uint8_t> data(4096 + 512, 0);
  data[4096 + 10] = 9;
  const auto runs = NonZeroRuns(data, 64 << 10);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0], (std::pair<size_t, size_t>{4096, 4096 + 512}));
}

// Whoever finishes a PageWriter goes on to record that the data is in the replica.
TEST(PageWriterTest, WhatWasWrittenIsDurableOnceFinishReturns) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto store, SyncStore::Open(dir.path()));
  ASSERT_OK(store->CreateDisk("disk0", 1 << 20));
  {
    PageWriter writer(store->async(), "disk0", 2);
    ASSERT_OK_AND_ASSIGN(auto buffer, writer.TakeBuffer());
    std::fill(buffer.data(), buffer.data() + 8192, uint8_t{0x5a});
    writer.Write(std::move(buffer), 4096, {{0, 8192}});
    ASSERT_OK(writer.Finish());
  }
  // The local store holds writes until a flush; the data file is what a crash leaves.
  ASSERT_OK_AND_ASSIGN(File file, File::Open(dir.File("disk0/disk.vhd"), File::Mode::kRead));
  std::vector<uint8_t> data(8192);
  ASSERT_OK(file.ReadAt(4096, data));
  EXPECT_EQ(data, std::vector<uint8_t>(8192, 0x5a));
}

}  // namespace
}  // namespace hvr
