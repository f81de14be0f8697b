// Diffs against ground truth: every scenario starts from a random image (the target, as a
// replica would be), derives the source by changes the test makes and records, and checks
// that all three kinds of diff report exactly the chunks those changes touched, with the
// right kinds, at several chunk sizes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <random>
#include <set>

#include "diff_fixture.hpp"
#include "hvr/chunk_diff.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

using test::ChunkView;
using test::Open;

using test::k4K;
using test::k64K;
using test::kMiB;
constexpr uint64_t kBaseSize = 12 * kMiB + 3000;  // several slices and a short last chunk

struct Images {
  TempDir dir;
  std::string target = dir.File("target.raw");
  std::string source = dir.File("source.raw");
  std::vector<ByteRange> touched;  // every byte range the test changed in the source

  explicit Images(uint64_t size = kBaseSize, bool sparse = false) {
    if (sparse) {
      test::WriteSparseImage(target, size);
    } else {
      test::WriteRandomImage(target, size, 42);
    }
    test::CopyFile(target, source);
  }
  void Change(uint64_t offset, uint64_t length) {
    test::ChangeBytes(source, offset, length);
    touched.push_back({offset, length});
  }
  void Zero(uint64_t offset, uint64_t length) {
    test::WriteZeros(source, offset, length);
    touched.push_back({offset, length});
  }
};

// What the diff must say, worked out from the images and the recorded changes alone.
ChunkView Expected(const Images& images, uint32_t chunk) {
  const uint64_t s = std::filesystem::file_size(images.source);
  const uint64_t t = std::filesystem::file_size(images.target);
  const auto length_within = [&](uint64_t i, uint64_t size) {
    return i * chunk >= size ? 0 : std::min<uint64_t>(chunk, size - i * chunk);
  };
  ChunkView view;
  for (uint64_t i = 0; i * chunk < std::max(s, t); ++i) {
    const ByteRange c{i * chunk, chunk};
    const bool touched = std::any_of(images.touched.begin(), images.touched.end(), [&](const ByteRange& r) {
      return r.offset < c.end() && c.offset < r.end();
    });
    const uint64_t ls = length_within(i, s);
    const uint64_t lt = length_within(i, t);
    if (!touched && ls == lt) continue;
    if (ls > 0) {
      const auto bytes = test::ReadBytes(images.source, c.offset, ls);
      const bool zero = std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
      view.source_part[i] = zero ? DiffKind::kZero : DiffKind::kData;
    }
    if (lt > ls) view.past_source_end.insert(i);
  }
  return view;
}

// The diffs here hash with three threads.
ChunkOptions DiffOptions(uint32_t chunk) { return test::Options(chunk, 3); }

// Runs the three diffs at several chunk sizes and compares each with Expected().
void ExpectAllDiffsMatch(const Images& images) {
  const auto source = Open(images.source);
  const auto target = Open(images.target);
  for (uint32_t chunk : {k4K, k64K, kDefaultChunkSize}) {
    SCOPED_TRACE("chunk size " + std::to_string(chunk));
    const ChunkView expected = Expected(images, chunk);
    auto target_manifest = BuildManifest(*target, DiffOptions(chunk));
    auto source_manifest = BuildManifest(*source, DiffOptions(chunk));
    ASSERT_TRUE(target_manifest.ok() && source_manifest.ok());

    auto disks = Diff(*source, *target, DiffOptions(chunk));
    auto resync = Diff(*source, *target_manifest, DiffOptions(0));
    auto manifests = Diff(*source_manifest, *target_manifest);
    for (const auto* result : {&disks, &resync, &manifests}) {
      ASSERT_TRUE(result->ok()) << result->error().ToString();
      const DiffResult& r = result->value();
      EXPECT_EQ(r.chunk_size, chunk);
      EXPECT_EQ(r.source_size, source->info().virtual_size);
      EXPECT_EQ(r.target_size, target->info().virtual_size);
      const ChunkView got = test::ViewOf(r);
      EXPECT_EQ(got, expected) << "got " << test::Describe(got) << "\nexpected "
                               << test::Describe(expected);
      EXPECT_EQ(r.identical(), expected.source_part.empty() && expected.past_source_end.empty());
    }
    EXPECT_EQ(disks->runs, resync->runs);
    EXPECT_EQ(disks->runs, manifests->runs);
  }
}

TEST(DiffTest, IdenticalDisksHaveNoRuns) {
  Images images;
  ExpectAllDiffsMatch(images);
  const auto r = Diff(*Open(images.source), *Open(images.target), DiffOptions(k64K));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->identical());
  EXPECT_TRUE(r->runs.empty());
  EXPECT_EQ(r->totals.chunks, (kBaseSize + k64K - 1) / k64K);
}

TEST(DiffTest, ScatteredFourKiBWrites) {
  Images images;
  // Distinct blocks: changing a block twice would restore it.
  std::set<uint64_t> blocks = {5, 6};  // two neighbours: one run at 4 KiB chunks
  std::mt19937_64 rng(11);
  while (blocks.size() < 42) blocks.insert(rng() % (kBaseSize / k4K));
  for (uint64_t block : blocks) images.Change(block * k4K, k4K);
  ExpectAllDiffsMatch(images);

  // Two disks are compared in 4 KiB chunks unless told otherwise: exactly the blocks.
  const auto r = Diff(*Open(images.source), *Open(images.target));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->chunk_size, kMinChunkSize);
  EXPECT_EQ(r->totals.differing_chunks, blocks.size());
  EXPECT_EQ(r->totals.data_bytes, blocks.size() * k4K);
}

TEST(DiffTest, SmallWritesAcrossChunkBoundaries) {
  Images images;
  images.Change(0, 1);
  images.Change(k64K - 50, 100);             // straddles a 64 KiB boundary
  images.Change(kDefaultChunkSize - 1, 2);  // straddles the default chunk boundary
  images.Change(4 * kMiB - 1, 2);           // straddles a slice boundary
  ExpectAllDiffsMatch(images);
}

TEST(DiffTest, ChangedLastPartialChunk) {
  Images images;
  images.Change(kBaseSize - 10, 10);
  ExpectAllDiffsMatch(images);
  const auto r = Diff(*Open(images.source), *Open(images.target), DiffOptions(k64K));
  ASSERT_EQ(r->runs.size(), 1u);
  const uint64_t last = (kBaseSize / k64K) * k64K;
  EXPECT_EQ(r->runs[0], (DiffRun{{last, kBaseSize - last}, DiffKind::kData}));
}

TEST(DiffTest, ZeroedChunksAreClearedNotSent) {
  Images images;
  images.Zero(kDefaultChunkSize, kDefaultChunkSize);  // a whole chunk at every size tested
  images.Change(2 * kDefaultChunkSize, k4K);          // data right after it
  images.Zero(5 * kMiB + k4K, k4K);                   // zero only at 4 KiB chunks
  images.Zero(kBaseSize - 3000, 3000);                // the short last chunk, zeroed
  ExpectAllDiffsMatch(images);
  const auto r = Diff(*Open(images.source), *Open(images.target), DiffOptions(k64K));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->runs.front(), (DiffRun{{kDefaultChunkSize, kDefaultChunkSize}, DiffKind::kZero}));
  EXPECT_EQ(r->runs[1], (DiffRun{{2 * kDefaultChunkSize, k64K}, DiffKind::kData}));
  EXPECT_EQ(r->totals.zero_bytes, kDefaultChunkSize + 3000);
}

TEST(DiffTest, GrownSourceReportsItsTail) {
  Images images;
  const uint64_t grown = kBaseSize + kMiB + 100;
  test::ResizeFile(images.source, grown);  // the new space reads as zeros
  images.Change(kBaseSize + 300 * 1024, 10);
  ExpectAllDiffsMatch(images);
  const auto r = Diff(*Open(images.source), *Open(images.target), DiffOptions(k64K));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->totals.past_source_end_bytes, 0u);
  // Everything from the old last chunk to the new end is reported, zero or not.
  EXPECT_EQ(r->totals.data_bytes + r->totals.zero_bytes, grown - (kBaseSize / k64K) * k64K);
}

TEST(DiffTest, ShrunkSourceLeavesBytesPastItsEnd) {
  Images images;
  const uint64_t shrunk = kBaseSize - kMiB - 777;
  test::ResizeFile(images.source, shrunk);
  ExpectAllDiffsMatch(images);
  const auto r = Diff(*Open(images.source), *Open(images.target), DiffOptions(k64K));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->runs.size(), 2u);
  // The chunk the new end cuts: its source part must be sent, the rest cut off.
  const uint64_t cut = (shrunk / k64K) * k64K;
  EXPECT_EQ(r->runs[0], (DiffRun{{cut, shrunk - cut}, DiffKind::kData}));
  EXPECT_EQ(r->runs[1], (DiffRun{{shrunk, kBaseSize - shrunk}, DiffKind::kPastSourceEnd}));
}

TEST(DiffTest, HolesEqualWrittenZeros) {
  Images images(kBaseSize, /*sparse=*/true);
  test::WriteZeros(images.target, 3 * kMiB, kMiB);  // allocated zeros on one side only
  images.Change(7 * kMiB, 3 * k4K);                 // data over a hole in the source
  ExpectAllDiffsMatch(images);
}

TEST(DiffTest, RunsCanStreamToACallback) {
  Images images;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200; ++i) images.Change((rng() % (kBaseSize / k4K)) * k4K, k4K);
  const auto source = Open(images.source);
  const auto target = Open(images.target);
  const auto kept = Diff(*source, *target, DiffOptions(k4K));
  ASSERT_TRUE(kept.ok());
  std::vector<DiffRun> streamed;
  const auto sent = Diff(*source, *target, DiffOptions(k4K), [&](const DiffRun& run) {
    streamed.push_back(run);
    return Ok();
  });
  ASSERT_TRUE(sent.ok());
  EXPECT_TRUE(sent->runs.empty());
  EXPECT_EQ(streamed, kept->runs);
  EXPECT_EQ(sent->totals, kept->totals);

  // A sink that fails stops the diff with its error.
  int calls = 0;
  const auto failed = Diff(*source, *target, DiffOptions(k4K), [&](const DiffRun&) -> Status {
    if (++calls == 5) return Error(Code::kNetwork, "upload failed");
    return Ok();
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), Code::kNetwork);
  EXPECT_EQ(calls, 5);
}

TEST(DiffTest, ChunkSizesMustAgree) {
  Images images(2 * kMiB);
  const auto source = Open(images.source);
  const auto target = Open(images.target);
  const auto m4 = *BuildManifest(*target, DiffOptions(k4K));
  const auto m64 = *BuildManifest(*source, DiffOptions(k64K));
  const auto a = Diff(m64, m4);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code(), Code::kInvalidArgument);
  EXPECT_NE(a.error().message().find("different chunk sizes (65536 and 4096"), std::string::npos);
  const auto b = Diff(*source, m4, DiffOptions(k64K));
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message().find("chunk size 65536 was asked for"), std::string::npos);
  EXPECT_FALSE(Diff(*source, *target, DiffOptions(1234)).ok());
}

TEST(DiffTest, UnknownChunksAreAlwaysSent) {
  Images images(2 * kMiB);
  const auto source = Open(images.source);
  auto m = *BuildManifest(*Open(images.target), DiffOptions(k64K));
  ASSERT_TRUE(m.Invalidate({3 * k64K, 1}).ok());
  const auto r = Diff(*source, m, DiffOptions(0));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->runs.size(), 1u);
  EXPECT_EQ(r->runs[0], (DiffRun{{3 * k64K, k64K}, DiffKind::kData}));
  // Unknown on both sides is still a difference; an unknown source is data.
  const auto both = Diff(m, m);
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->runs.size(), 1u);
  EXPECT_EQ(both->runs[0].kind, DiffKind::kData);
}

TEST(DiffTest, ProgressAndCancellation) {
  Images images(20 * kMiB);
  const auto source = Open(images.source);
  const auto target = Open(images.target);
  uint64_t last = 0;
  ChunkOptions o = DiffOptions(k64K);
  o.progress = [&](uint64_t done, uint64_t total) {
    EXPECT_EQ(total, 20 * kMiB);
    EXPECT_GT(done, last);
    last = done;
  };
  ASSERT_TRUE(Diff(*source, *target, o).ok());
  EXPECT_EQ(last, 20 * kMiB);

  CancelToken token;
  token.Cancel();
  ChunkOptions c = DiffOptions(k64K);
  c.cancel = &token;
  const auto r = Diff(*source, *target, c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kCancelled);
}

TEST(DiffTest, JsonListsRunsAndTotals) {
  Images images(kMiB);
  images.Zero(0, k64K);
  images.Change(3 * k64K, 10);
  const auto r = Diff(*Open(images.source), *Open(images.target), DiffOptions(k64K));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(DiffToJson(*r),
            "{\"chunk_size\":65536,\"source_size\":1048576,\"target_size\":1048576,"
            "\"identical\":false,\"totals\":{\"chunks\":16,\"differing_chunks\":2,\"runs\":2,"
            "\"bytes_to_send\":65536,\"data_bytes\":65536,\"zero_bytes\":65536,"
            "\"past_source_end_bytes\":0},\"runs\":[{\"offset\":0,\"length\":65536,\"kind\":"
            "\"zero\"},{\"offset\":196608,\"length\":65536,\"kind\":\"data\"}]}");
}

}  // namespace
}  // namespace hvr
