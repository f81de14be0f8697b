#include <gtest/gtest.h>
#include <xxhash.h>

#include <atomic>
#include <thread>

#include "diff_fixture.hpp"
#include "hvr/chunk_diff.hpp"
#include "platform/os_name.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

using test::Open;
using test::Options;

using test::k4K;
using test::k64K;

// The hash the test expects for bytes of the image, computed with libxxhash directly.
ChunkHash Expected(const std::string& path, const ByteRange& chunk) {
  const auto bytes = test::ReadBytes(path, chunk.offset, chunk.length);
  if (std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; })) return ChunkHash::Zero();
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return ChunkHash{h.low64, h.high64};
}

void ExpectMatchesImage(const Manifest& m, const std::string& path) {
  for (uint64_t i = 0; i < m.chunk_count(); ++i) {
    ASSERT_EQ(m.hash(i), Expected(path, m.ChunkRange(i))) << "chunk " << i;
  }
}

TEST(BuildManifestTest, HashesEveryChunkIncludingAShortLastOne) {
  TempDir dir;
  const std::string path = dir.File("disk.raw");
  const uint64_t size = 9 * (1 << 20) + 3 * k4K + 1000;  // slices, chunks and a short tail
  test::WriteRandomImage(path, size, 1);
  test::WriteZeros(path, 2 * k64K, k64K);  // one chunk of written zeros
  const auto disk = Open(path);
  for (uint32_t chunk : {k4K, k64K, kDefaultChunkSize, kMaxChunkSize}) {
    auto m = BuildManifest(*disk, Options(chunk));
    ASSERT_TRUE(m.ok()) << m.error().ToString();
    EXPECT_EQ(m->disk_size(), size);
    EXPECT_EQ(m->chunk_size(), chunk);
    EXPECT_EQ(m->chunk_count(), (size + chunk - 1) / chunk);
    EXPECT_EQ(m->unknown_chunk_count(), 0u);
    ExpectMatchesImage(*m, path);
  }
  EXPECT_TRUE(BuildManifest(*disk, Options(k64K))->hash(2).is_zero());
}

TEST(BuildManifestTest, DefaultChunkSizeAndThreadCountsAgree) {
  TempDir dir;
  const std::string path = dir.File("disk.raw");
  test::WriteRandomImage(path, 20 * (1 << 20) + 512, 2);
  const auto disk = Open(path);
  auto one = BuildManifest(*disk, Options(0, 1));
  auto many = BuildManifest(*disk, Options(0, 7));
  auto defaults = BuildManifest(*disk);
  ASSERT_TRUE(one.ok() && many.ok() && defaults.ok());
  EXPECT_EQ(one->chunk_size(), kDefaultChunkSize);
  EXPECT_EQ(*one, *many);
  EXPECT_EQ(*one, *defaults);
}

TEST(BuildManifestTest, UnallocatedSpaceIsZeroAndNeverRead) {
  if (RunningUnderWine()) GTEST_SKIP() << "Wine reports every byte of a file as allocated (docs/windows.md)";
  TempDir dir;
  const std::string path = dir.File("sparse.raw");
  const uint64_t size = 64ull << 20;
  test::WriteSparseImage(path, size);
  const ByteRange data{20ull << 20, 3 * k4K};  // inside one slice, three 4 KiB blocks
  test::ChangeBytes(path, data.offset, data.length);  // XOR over zeros: non-zero data
  const auto inner = Open(path);
  test::RecordingDisk disk(*inner);
  auto m = BuildManifest(disk, Options(k64K));
  ASSERT_TRUE(m.ok());
  ExpectMatchesImage(*m, path);
  EXPECT_EQ(m->zero_chunk_count(), m->chunk_count() - 1);
  // Only what the file system reports as data was read (at most a few blocks around it).
  EXPECT_LE(disk.bytes_read(), 1u << 20);
  EXPECT_TRUE(disk.ReadOverlaps(data));

  // A reader that reports allocation its own way is believed: nothing allocated, no read.
  test::RecordingDisk empty(*inner);
  empty.set_allocated({});
  auto zeros = BuildManifest(empty, Options(k64K));
  ASSERT_TRUE(zeros.ok());
  EXPECT_EQ(zeros->zero_chunk_count(), zeros->chunk_count());
  EXPECT_EQ(empty.bytes_read(), 0u);
}

TEST(BuildManifestTest, ReportsProgressUpToTheDiskSize) {
  TempDir dir;
  const std::string path = dir.File("disk.raw");
  const uint64_t size = 33 * (1 << 20) + 5;
  test::WriteRandomImage(path, size, 3);
  const auto disk = Open(path);
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  ChunkOptions o = Options(k64K, 3);
  o.progress = [&](uint64_t done, uint64_t total) { calls.emplace_back(done, total); };
  ASSERT_TRUE(BuildManifest(*disk, o).ok());
  ASSERT_FALSE(calls.empty());
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].second, size);
    if (i > 0) {
      EXPECT_GT(calls[i].first, calls[i - 1].first);
    }
  }
  EXPECT_EQ(calls.back().first, size);
}

TEST(BuildManifestTest, StopsWhenCancelled) {
  TempDir dir;
  const std::string path = dir.File("disk.raw");
  test::WriteRandomImage(path, 64ull << 20, 4);
  const auto disk = Open(path);

  CancelToken cancelled;
  cancelled.Cancel();
  ChunkOptions o = Options(k4K);
  o.cancel = &cancelled;
  auto m = BuildManifest(*disk, o);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code(), Code::kCancelled);
  EXPECT_EQ(m.error().message(), "hashing the disk: cancelled");

  // Cancelled from the progress callback half way: the rest is not read.
  CancelToken token;
  test::RecordingDisk recording(*disk);
  ChunkOptions half = Options(k4K, 2);
  half.cancel = &token;
  half.progress = [&](uint64_t done, uint64_t total) {
    if (done >= total / 4) token.Cancel();
  };
  auto stopped = BuildManifest(recording, half);
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().code(), Code::kCancelled);
  EXPECT_LT(recording.bytes_read(), 48ull << 20);
}

TEST(BuildManifestTest, ReadErrorsPropagateWithTheirContext) {
  TempDir dir;
  const std::string path = dir.File("disk.raw");
  test::WriteRandomImage(path, 16ull << 20, 5);
  const auto inner = Open(path);
  test::RecordingDisk disk(*inner);
  disk.fail_reads_from(9ull << 20);
  auto m = BuildManifest(disk, Options(k64K));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code(), Code::kIo);
  EXPECT_NE(m.error().message().find(path), std::string::npos);
}

TEST(BuildManifestTest, RejectsBadChunkSizesAndHandlesEmptyDisks) {
  TempDir dir;
  const std::string path = dir.File("empty.raw");
  test::WriteSparseImage(path, 0);
  const auto disk = Open(path);
  auto bad = BuildManifest(*disk, Options(3000));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), Code::kInvalidArgument);
  auto empty = BuildManifest(*disk, Options(k4K));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->chunk_count(), 0u);
}

}  // namespace
}  // namespace hvr
