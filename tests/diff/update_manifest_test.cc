// The replica's manifest follows each delta cycle: after writes to the replica, only the
// chunks they touch are hashed again, and the result is what hashing the whole replica
// would give.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "diff_fixture.hpp"
#include "hvr/chunk_diff.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using test::Open;
using test::Options;

using test::k4K;
using test::k64K;
using test::kMiB;

// The bytes of the chunks `ranges` touch, each chunk counted once.
uint64_t TouchedChunkBytes(const Manifest& m, const std::vector<ByteRange>& ranges) {
  std::set<uint64_t> chunks;
  for (const auto& r : ranges) {
    const auto [first, last] = m.ChunksTouching(r);
    for (uint64_t i = first; i < last; ++i) chunks.insert(i);
  }
  uint64_t bytes = 0;
  for (uint64_t i : chunks) bytes += m.ChunkRange(i).length;
  return bytes;
}

TEST(UpdateManifestTest, FollowsDeltaCyclesExactlyAndCheaply) {
  TempDir dir;
  const std::string source = dir.File("source.raw");
  const std::string replica = dir.File("replica.raw");
  const uint64_t size = 16 * kMiB + 5000;
  test::WriteRandomImage(source, size, 1);
  test::CopyFile(source, replica);
  auto manifest = *BuildManifest(*Open(replica), Options(k64K));

  std::mt19937_64 rng(5);
  for (int cycle = 0; cycle < 3; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    // The source changes; the session ships some of the changes to the replica.
    std::vector<ByteRange> shipped;
    for (int i = 0; i < 25; ++i) {
      const uint64_t length = 1 + rng() % (3 * k4K);
      const ByteRange r{rng() % (size - length), length};
      test::ChangeBytes(source, r.offset, r.length);
      if (i % 5 != 0) {  // every fifth change stays unshipped
        const auto bytes = test::ReadBytes(source, r.offset, r.length);
        auto file = File::Open(replica, File::Mode::kReadWrite);
        ASSERT_TRUE(file->WriteAt(r.offset, bytes).ok());
        shipped.push_back(r);
      }
    }
    shipped.push_back({size - 1, 1});  // and the very last byte, unchanged but written
    const auto inner = Open(replica);
    test::RecordingDisk recording(*inner);
    ASSERT_TRUE(UpdateManifest(manifest, recording, shipped, Options(0)).ok());
    // Exact: the same as hashing the whole replica again.
    EXPECT_EQ(manifest, *BuildManifest(*inner, Options(k64K)));
    // Cheap: only the touched chunks were read.
    EXPECT_EQ(recording.bytes_read(), TouchedChunkBytes(manifest, shipped));
    // The resync diff sees what the replica lacks: source vs manifest = source vs replica.
    const auto resync = Diff(*Open(source), manifest);
    const auto truth = Diff(*Open(source), *inner, Options(k64K));
    ASSERT_TRUE(resync.ok() && truth.ok());
    EXPECT_FALSE(resync->identical());
    EXPECT_EQ(resync->runs, truth->runs);
  }
}

TEST(UpdateManifestTest, FollowsAResizedReplica) {
  TempDir dir;
  const std::string replica = dir.File("replica.raw");
  const uint64_t size = 3 * kMiB + 100;
  test::WriteRandomImage(replica, size, 2);
  auto manifest = *BuildManifest(*Open(replica), Options(k4K));

  // Grown: the new space is a hole, and one write lands in it.
  test::ResizeFile(replica, 6 * kMiB + 10);
  test::ChangeBytes(replica, 5 * kMiB, 10);
  const std::vector<ByteRange> written = {{5 * kMiB, 10}};
  ASSERT_TRUE(UpdateManifest(manifest, *Open(replica), written).ok());
  EXPECT_EQ(manifest.disk_size(), 6 * kMiB + 10);
  EXPECT_EQ(manifest, *BuildManifest(*Open(replica), Options(k4K)));

  // Shrunk to a size inside a chunk.
  test::ResizeFile(replica, 2 * kMiB + 1);
  ASSERT_TRUE(UpdateManifest(manifest, *Open(replica), {}).ok());
  EXPECT_EQ(manifest, *BuildManifest(*Open(replica), Options(k4K)));
}

TEST(UpdateManifestTest, AFailedUpdateLeavesTouchedChunksUnknown) {
  TempDir dir;
  const std::string replica = dir.File("replica.raw");
  test::WriteRandomImage(replica, 8 * kMiB, 3);
  auto manifest = *BuildManifest(*Open(replica), Options(k64K));
  const Manifest before = manifest;

  test::ChangeBytes(replica, kMiB, 10);
  test::ChangeBytes(replica, 7 * kMiB, 10);
  const std::vector<ByteRange> written = {{kMiB, 10}, {7 * kMiB, 10}};
  const auto inner = Open(replica);
  test::RecordingDisk failing(*inner);
  failing.fail_reads_from(6 * kMiB);
  const Status s = UpdateManifest(manifest, failing, written, Options(0, 1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), Code::kIo);
  // The chunk whose read failed is unknown: no diff will trust its old hash.
  EXPECT_TRUE(manifest.hash(7 * kMiB / k64K).is_unknown());
  for (uint64_t i = 0; i < manifest.chunk_count(); ++i) {
    if (i == kMiB / k64K || i == 7 * kMiB / k64K) continue;
    EXPECT_EQ(manifest.hash(i), before.hash(i)) << i;
  }
  // A diff against the replica's content now reports the unknown chunk.
  const auto r = Diff(*inner, manifest);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->runs.size(), 1u);
  EXPECT_EQ(r->runs[0].range, (ByteRange{7 * kMiB, k64K}));
}

TEST(UpdateManifestTest, RejectsRangesPastTheEndAndOtherChunkSizes) {
  TempDir dir;
  const std::string replica = dir.File("replica.raw");
  test::WriteRandomImage(replica, kMiB, 4);
  auto manifest = *BuildManifest(*Open(replica), Options(k64K));
  const Manifest before = manifest;
  const std::vector<ByteRange> past = {{kMiB - 10, 11}};
  const Status s = UpdateManifest(manifest, *Open(replica), past);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), Code::kInvalidArgument);
  EXPECT_NE(s.error().message().find("reaches past the disk size 1048576"), std::string::npos);
  EXPECT_EQ(manifest, before);
  EXPECT_FALSE(UpdateManifest(manifest, *Open(replica), {}, Options(k4K)).ok());
}

}  // namespace
}  // namespace hvr
