// Applying coalesced writes to a replica: how far writes join across known zeros follows
// the link's cost model (hvr/link.hpp), seen in the page writes a local store receives.
#include "session/log_shipping.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "hvr/sync_store.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

constexpr uint64_t kDiskSize = 1 << 20;
constexpr uint32_t kChunk = 4096;

const ReadFn kZeroBase = [](uint64_t, std::span<uint8_t> out) -> Status {
  std::memset(out.data(), 0, out.size());
  return Ok();
};

// Two 4 KiB writes with a 16 KiB gap of zeros between them, applied with `join_gap`.
ApplyStats ApplyTwoWritesAcrossAGap(uint64_t join_gap, std::vector<uint8_t>& replica) {
  TempDir dir;
  auto store = SyncStore::Open(dir.path());
  EXPECT_TRUE(store.ok());
  EXPECT_OK((*store)->CreateDisk("disk0", kDiskSize));
  auto manifest = Manifest::Zeros(kDiskSize, kChunk);
  EXPECT_TRUE(manifest.ok());
  const KnownZeros zeros(*manifest);
  ExtentMap map;
  const std::vector<uint8_t> data(4096, 0x5a);
  EXPECT_OK(map.Add(0, data));
  EXPECT_OK(map.Add(20 << 10, data));
  ApplyOptions options;
  options.join_gap = join_gap;
  auto stats = ApplyToReplica(map, kZeroBase, zeros, (*store)->async(), "disk0", *manifest, options);
  EXPECT_TRUE(stats.ok());
  replica.assign(kDiskSize, 1);
  EXPECT_OK((*store)->Read("disk0", "", 0, replica));
  return stats.ok() ? *stats : ApplyStats{};
}

TEST(LogShippingTest, ASlowLinkSendsTheWritesApart) {
  std::vector<uint8_t> replica;
  // 1 Mbit/s: a request costs 2 ms, which carries 250 bytes of gap.
  const ApplyStats stats = ApplyTwoWritesAcrossAGap(LinkModel{125'000, 500}.JoinGap(), replica);
  EXPECT_EQ(stats.page_writes, 2u);
  EXPECT_EQ(stats.bytes_sent, 8u << 10);
  EXPECT_EQ(replica[0], 0x5a);
  EXPECT_EQ(replica[4096], 0);
  EXPECT_EQ(replica[20 << 10], 0x5a);
}

TEST(LogShippingTest, AFastLinkJoinsThemSendingTheGapsZeros) {
  std::vector<uint8_t> replica;
  // 1 Gbit/s: a request costs as much as 125 KiB of gap (the blob's 60 MiB/s bound it).
  const ApplyStats stats = ApplyTwoWritesAcrossAGap(LinkModel{125'000'000, 500}.JoinGap(), replica);
  EXPECT_EQ(stats.page_writes, 1u);
  EXPECT_EQ(stats.bytes_sent, 24u << 10);
  EXPECT_EQ(replica[0], 0x5a);
  EXPECT_EQ(replica[4096], 0);
  EXPECT_EQ(replica[(20 << 10) + 4095], 0x5a);
}

}  // namespace
}  // namespace hvr
