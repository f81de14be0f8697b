#include "hvr/manifest.hpp"

#include <gtest/gtest.h>

#include "test_util/sizes.hpp"

namespace hvr {
namespace {

using test::k4K;

std::pair<uint64_t, uint64_t> Span(uint64_t first, uint64_t last) { return {first, last}; }

TEST(ManifestTest, ChunkSizesArePowersOfTwoFrom4KiBTo4MiB) {
  for (uint64_t ok : {4096ull, 65536ull, 262144ull, 4194304ull}) EXPECT_TRUE(ValidateChunkSize(ok).ok());
  for (uint64_t bad : {0ull, 512ull, 2048ull, 6144ull, 8388608ull, 65537ull}) {
    const Status s = ValidateChunkSize(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code(), Code::kInvalidArgument);
    EXPECT_NE(s.error().message().find(std::to_string(bad)), std::string::npos);
  }
  EXPECT_TRUE(ValidateChunkSize(kDefaultChunkSize).ok());
}

TEST(ManifestTest, ZerosCoversTheDiskWithAShortLastChunk) {
  auto m = Manifest::Zeros(3 * k4K + 100, k4K);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->chunk_count(), 4u);
  EXPECT_EQ(m->zero_chunk_count(), 4u);
  EXPECT_EQ(m->ChunkRange(0), (ByteRange{0, k4K}));
  EXPECT_EQ(m->ChunkRange(3), (ByteRange{3 * k4K, 100}));
  EXPECT_EQ(Manifest::Zeros(0, k4K)->chunk_count(), 0u);
  EXPECT_EQ(Manifest::Zeros(4 * k4K, k4K)->chunk_count(), 4u);
  EXPECT_FALSE(Manifest::Zeros(100, 1000).ok());
}

TEST(ManifestTest, FromHashesWantsOneEntryPerChunk) {
  EXPECT_TRUE(Manifest::FromHashes(2 * k4K + 1, k4K, std::vector<ChunkHash>(3)).ok());
  const auto bad = Manifest::FromHashes(2 * k4K + 1, k4K, std::vector<ChunkHash>(2));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("has 3 chunks, not 2"), std::string::npos);
}

TEST(ManifestTest, ChunksTouchingARange) {
  auto m = *Manifest::Zeros(10 * k4K, k4K);
  EXPECT_EQ(m.ChunksTouching({0, 1}), Span(0, 1));
  EXPECT_EQ(m.ChunksTouching({k4K - 1, 2}), Span(0, 2));
  EXPECT_EQ(m.ChunksTouching({k4K, k4K}), Span(1, 2));
  EXPECT_EQ(m.ChunksTouching({5, 0}), Span(0, 0));
}

TEST(ManifestTest, InvalidateMarksTouchedChunksUnknown) {
  auto m = *Manifest::Zeros(10 * k4K, k4K);
  ASSERT_TRUE(m.Invalidate({k4K + 10, k4K}).ok());
  EXPECT_EQ(m.unknown_chunk_count(), 2u);
  EXPECT_TRUE(m.hash(1).is_unknown());
  EXPECT_TRUE(m.hash(2).is_unknown());
  EXPECT_TRUE(m.hash(3).is_zero());
  const Status past = m.Invalidate({9 * k4K, k4K + 1});
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code(), Code::kInvalidArgument);
}

TEST(ManifestTest, ResizeMarksChunksWhoseExtentChanged) {
  auto m = *Manifest::Zeros(2 * k4K + 100, k4K);  // chunks 0, 1, and 2 (100 bytes)
  ASSERT_TRUE(m.Resize(4 * k4K).ok());
  EXPECT_EQ(m.chunk_count(), 4u);
  EXPECT_TRUE(m.hash(1).is_zero());     // untouched
  EXPECT_TRUE(m.hash(2).is_unknown());  // grew from 100 bytes to a full chunk
  EXPECT_TRUE(m.hash(3).is_unknown());  // new

  auto n = *Manifest::Zeros(4 * k4K, k4K);
  ASSERT_TRUE(n.Resize(2 * k4K + 7).ok());
  EXPECT_EQ(n.chunk_count(), 3u);
  EXPECT_TRUE(n.hash(1).is_zero());
  EXPECT_TRUE(n.hash(2).is_unknown());  // cut to 7 bytes
  EXPECT_EQ(n.disk_size(), 2 * k4K + 7);

  auto exact = *Manifest::Zeros(4 * k4K, k4K);
  ASSERT_TRUE(exact.Resize(2 * k4K).ok());
  EXPECT_EQ(exact.unknown_chunk_count(), 0u);  // both remaining chunks keep their extent
}

}  // namespace
}  // namespace hvr
