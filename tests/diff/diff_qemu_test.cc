// Chunk-diff judged by independent tools: qemu-img and qemu-io make and change the images,
// hvr diffs them, the test applies the runs to the target, and `qemu-img compare` must
// then call the two images identical. Before that, the mismatch qemu-img reports must lie
// inside one of hvr's runs (the first one when the sizes are equal).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "diff_fixture.hpp"
#include "hvr/chunk_diff.hpp"
#include "test_util/command.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using test::kMiB;

void MustRun(const std::string& command) {
  const testing::CommandResult r = testing::RunShell(command);
  ASSERT_EQ(r.exit_code, 0) << command << "\n" << r.output;
}

// qemu-io commands on a raw image, one -c per command.
void QemuIo(const std::string& image, const std::vector<std::string>& commands) {
  std::string line = "qemu-io -f raw";
  for (const auto& c : commands) line += " -c '" + c + "'";
  MustRun(line + " " + image);
}

testing::CommandResult Compare(const std::string& a, const std::string& b) {
  return testing::RunShell("qemu-img compare -f raw -F raw " + a + " " + b);
}

// Makes `target` equal to `source` by the runs alone (the way a session would).
void Apply(const DiffResult& diff, const std::string& source, const std::string& target) {
  auto in = File::Open(source, File::Mode::kRead);
  auto out = File::Open(target, File::Mode::kReadWrite);
  ASSERT_TRUE(in.ok() && out.ok());
  if (diff.source_size > diff.target_size) {
    ASSERT_TRUE(out->Truncate(diff.source_size).ok());
  }
  for (const DiffRun& run : diff.runs) {
    switch (run.kind) {
      case DiffKind::kData: {
        std::vector<uint8_t> bytes(run.range.length);
        ASSERT_TRUE(in->ReadAt(run.range.offset, bytes).ok());
        ASSERT_TRUE(out->WriteAt(run.range.offset, bytes).ok());
        break;
      }
      case DiffKind::kZero:
        ASSERT_TRUE(out->PunchHole(run.range.offset, run.range.length).ok());
        break;
      case DiffKind::kPastSourceEnd:
        ASSERT_TRUE(out->Truncate(diff.source_size).ok());
        break;
    }
  }
}

// "Content mismatch at offset N!" from qemu-img compare.
uint64_t FirstMismatch(const std::string& output) {
  const auto at = output.find("offset ");
  return at == std::string::npos ? UINT64_MAX : std::stoull(output.substr(at + 7));
}

class DiffQemuTest : public ::testing::Test {
 protected:
  void SetUp() override { Reset(); }

  // Fresh images: a replica with data here and there and holes elsewhere, and its copy.
  void Reset() {
    std::filesystem::remove(target_);
    MustRun("qemu-img create -q -f raw " + target_ + " 24M");
    QemuIo(target_, {"write -P 0x11 0 1M", "write -P 0x22 5M 3M", "write -P 0x33 20M 64k",
                     "write -P 0x44 23M 1M"});
    test::CopyFile(target_, source_);
  }

  // Diffs (disk vs disk, then disk vs manifest), applies, and lets qemu-img judge.
  void ExpectDiffBringsTargetToSource(uint32_t chunk_size) {
    const auto source = test::Open(source_);
    ChunkOptions options;
    options.chunk_size = chunk_size;
    const auto by_disks = Diff(*source, *test::Open(target_), options);
    ASSERT_TRUE(by_disks.ok()) << by_disks.error().ToString();
    const auto manifest = BuildManifest(*test::Open(target_), options);
    ASSERT_TRUE(manifest.ok());
    const auto resync = Diff(*source, *manifest);
    ASSERT_TRUE(resync.ok());
    EXPECT_EQ(by_disks->runs, resync->runs);

    const testing::CommandResult before = Compare(source_, target_);
    ASSERT_EQ(before.exit_code, 1) << before.output;  // 1: the images differ
    const uint64_t mismatch = FirstMismatch(before.output);
    EXPECT_TRUE(std::any_of(by_disks->runs.begin(), by_disks->runs.end(), [&](const DiffRun& run) {
      return run.range.offset <= mismatch && mismatch < run.range.end();
    })) << "qemu-img: " << before.output;
    // With equal sizes qemu-img reports the very first difference, which must open a run.
    if (by_disks->source_size == by_disks->target_size) {
      EXPECT_LT(mismatch, by_disks->runs.front().range.end());
    }

    Apply(*by_disks, source_, target_);
    const testing::CommandResult after = Compare(source_, target_);
    EXPECT_EQ(after.exit_code, 0) << after.output;
    const auto again = Diff(*source, *test::Open(target_), options);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->identical());
  }

  TempDir dir_;
  std::string target_ = dir_.File("target.raw");
  std::string source_ = dir_.File("source.raw");
};

TEST_F(DiffQemuTest, ScatteredWritesAndZeroes) {
  for (uint32_t chunk : {4096u, 65536u, kDefaultChunkSize}) {
    SCOPED_TRACE(chunk);
    Reset();
    QemuIo(source_, {"write -P 0xa1 4k 4k", "write -P 0xa2 1M 512", "write -P 0xa3 6M 100k",
                     "write -z 5M 256k", "write -P 0xa4 12M 4k", "write -z 23M 1M",
                     "write -P 0xa5 24575k 1k"});
    ExpectDiffBringsTargetToSource(chunk);
  }
}

TEST_F(DiffQemuTest, GrownAndShrunkSources) {
  MustRun("qemu-img resize -q -f raw " + source_ + " 30M");
  QemuIo(source_, {"write -P 0xb1 29M 4k"});
  ExpectDiffBringsTargetToSource(65536);

  Reset();
  MustRun("qemu-img resize -q -f raw --shrink " + source_ + " " + std::to_string(20 * kMiB + 4096 + 512));
  ExpectDiffBringsTargetToSource(65536);
}

}  // namespace
}  // namespace hvr
