#include "diff/chunk_hash.hpp"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <random>
#include <vector>

namespace hvr {
namespace {

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> bytes(n);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  return bytes;
}

TEST(ChunkHashTest, ZeroScanFindsAnyNonZeroByte) {
  EXPECT_TRUE(IsAllZero({}));
  std::vector<uint8_t> bytes(65536, 0);
  EXPECT_TRUE(IsAllZero(bytes));
  for (size_t at : {size_t{0}, size_t{15}, size_t{16}, size_t{4095}, size_t{65535}}) {
    bytes[at] = 1;
    EXPECT_FALSE(IsAllZero(bytes)) << at;
    bytes[at] = 0;
  }
  const uint8_t one[] = {7};
  EXPECT_FALSE(IsAllZero(one));
}

TEST(ChunkHashTest, HashIsXxh3OfTheBytes) {
  // Ground truth from libxxhash's plain entry point, not the dispatched one hvr uses.
  for (size_t size : {size_t{4096}, size_t{4096 + 512}, size_t{262144}}) {
    const auto bytes = RandomBytes(size, static_cast<uint32_t>(size));
    const XXH128_hash_t expected = XXH3_128bits(bytes.data(), bytes.size());
    const ChunkHash hash = HashChunk(bytes);
    EXPECT_EQ(hash.low, expected.low64);
    EXPECT_EQ(hash.high, expected.high64);
    EXPECT_EQ(RawXxh3(bytes), hash);
  }
}

TEST(ChunkHashTest, ZeroChunksGetTheReservedValueWithoutHashing) {
  const std::vector<uint8_t> zeros(8192, 0);
  EXPECT_TRUE(HashChunk(zeros).is_zero());
  EXPECT_FALSE(RawXxh3(zeros).is_zero());  // the real hash of zeros is something else
  EXPECT_FALSE(HashChunk(RandomBytes(4096, 1)).is_zero());
  EXPECT_FALSE(HashChunk(RandomBytes(4096, 1)).is_unknown());
}

TEST(ChunkHashTest, RendersHighHalfFirst) {
  EXPECT_EQ((ChunkHash{0x1122334455667788, 0x99aabbccddeeff00}).ToString(),
            "99aabbccddeeff001122334455667788");
}

TEST(ChunkHashTest, ChecksumIsXxh3_64) {
  const auto bytes = RandomBytes(1000, 9);
  EXPECT_EQ(Checksum64(bytes), XXH3_64bits(bytes.data(), bytes.size()));
}

}  // namespace
}  // namespace hvr
