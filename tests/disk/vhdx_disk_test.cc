// VHDX images end to end through the public API: create, write, read back, reopen, and
// crash at every step of a metadata commit.
#include <gtest/gtest.h>

#include <cstring>
#include <thread>

#include "disk/vhdx_writer.hpp"
#include "disk/disk_chain.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

using testing::FirstDifference;
using testing::PatternBytes;

using test::kMiB;

std::unique_ptr<DiskReader> Open(const std::string& path) {
  auto disk = OpenDisk(path);
  EXPECT_TRUE(disk.ok()) << disk.error().ToString();
  return disk.ok() ? std::move(disk).value() : nullptr;
}

std::unique_ptr<DiskWriter> OpenWriter(const std::string& path) {
  auto disk = OpenDiskForWrite(path);
  EXPECT_TRUE(disk.ok()) << disk.error().ToString();
  return disk.ok() ? std::move(disk).value() : nullptr;
}

// Writes `data` at `offset` through `writer` and into `model`, the expected content.
void WriteBoth(DiskWriter& writer, std::vector<uint8_t>& model, uint64_t offset, const std::vector<uint8_t>& data) {
  const Status s = writer.Write(offset, data);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  std::memcpy(model.data() + offset, data.data(), data.size());
}

VhdxCreateOptions Options(uint64_t size, uint32_t block_size, bool fixed = false) {
  VhdxCreateOptions o;
  o.virtual_size = size;
  o.block_size = block_size;
  o.fixed = fixed;
  return o;
}

TEST(VhdxDiskTest, NewDynamicDiskIsEmptyAndDescribed) {
  TempDir dir;
  const std::string path = dir.File("d.vhdx");
  ASSERT_TRUE(CreateVhdx(path, Options(64 * kMiB, 2 * kMiB)).ok());
  auto disk = Open(path);
  ASSERT_TRUE(disk);
  const DiskInfo& info = disk->info();
  EXPECT_EQ(info.format, DiskFormat::kVhdx);
  EXPECT_EQ(info.type, DiskType::kDynamic);
  EXPECT_EQ(info.virtual_size, 64 * kMiB);
  EXPECT_EQ(info.block_size, 2 * kMiB);
  EXPECT_EQ(info.logical_sector_size, 512u);
  EXPECT_EQ(info.physical_sector_size, 4096u);
  EXPECT_FALSE(info.data_write_guid.IsZero());
  EXPECT_FALSE(info.page83_id.IsZero());
  EXPECT_FALSE(info.log_replayed);
  auto ranges = disk->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  EXPECT_TRUE(ranges->empty());
  EXPECT_EQ(testing::ReadWholeDisk(*disk), std::vector<uint8_t>(64 * kMiB, 0));
  // Never replaced.
  const Status again = CreateVhdx(path, Options(64 * kMiB, 2 * kMiB));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kConflict);
}

TEST(VhdxDiskTest, WritesReadBackAcrossSectorsAndBlocksAndSurviveReopening) {
  TempDir dir;
  const std::string path = dir.File("d.vhdx");
  ASSERT_TRUE(CreateVhdx(path, Options(64 * kMiB, 2 * kMiB)).ok());
  std::vector<uint8_t> model(64 * kMiB, 0);
  Guid first_guid;
  {
    auto writer = OpenWriter(path);
    ASSERT_TRUE(writer);
    const Guid before = writer->info().data_write_guid;
    WriteBoth(*writer, model, 3 * kMiB, PatternBytes(3 * kMiB, 1));         // spans blocks 1..2
    first_guid = writer->info().data_write_guid;
    EXPECT_NE(first_guid, before);  // the first write changes the identity...
    WriteBoth(*writer, model, 10 * kMiB + 7, PatternBytes(1000, 2));      // unaligned, inside one sector run
    WriteBoth(*writer, model, 63 * kMiB + 300, PatternBytes(kMiB - 300, 3));  // to the very end
    WriteBoth(*writer, model, 3 * kMiB + 100, PatternBytes(10, 4));       // over existing data
    EXPECT_EQ(writer->info().data_write_guid, first_guid);  // ...and later ones do not
    EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(*writer), model), "equal");
    ASSERT_TRUE(writer->Close().ok());
    const Status after = writer->Write(0, PatternBytes(512, 1));
    ASSERT_FALSE(after.ok());
    EXPECT_EQ(after.error().code(), Code::kInvalidArgument);
  }
  auto disk = Open(path);
  ASSERT_TRUE(disk);
  EXPECT_EQ(disk->info().data_write_guid, first_guid);
  EXPECT_FALSE(disk->info().log_replayed);  // Close emptied the log
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(*disk), model), "equal");
  auto ranges = disk->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  EXPECT_EQ(*ranges, (std::vector<ByteRange>{{2 * kMiB, 4 * kMiB}, {10 * kMiB, 2 * kMiB}, {62 * kMiB, 2 * kMiB}}));
  EXPECT_TRUE(testing::RangesCoverNonZero(*ranges, model));
  // Reads of any size and alignment agree with the model.
  std::vector<uint8_t> part(5 * kMiB + 3);
  ASSERT_TRUE(disk->Read(2 * kMiB - 1, part).ok());
  EXPECT_EQ(0, std::memcmp(part.data(), model.data() + 2 * kMiB - 1, part.size()));
  const Status past = disk->Read(64 * kMiB - 10, part);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code(), Code::kInvalidArgument);
}

TEST(VhdxDiskTest, OpeningForWritingChangesNothingUntilTheFirstWrite) {
  TempDir dir;
  const std::string path = dir.File("d.vhdx");
  ASSERT_TRUE(CreateVhdx(path, Options(16 * kMiB, kMiB)).ok());
  const std::vector<uint8_t> before = testing::ReadFileBytes(path);
  {
    auto writer = OpenWriter(path);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->Flush().ok());
    ASSERT_TRUE(writer->Close().ok());
  }
  EXPECT_EQ(FirstDifference(testing::ReadFileBytes(path), before), "equal");
}

TEST(VhdxDiskTest, FixedDiskHasEveryBlockAndKeepsIt) {
  TempDir dir;
  const std::string path = dir.File("f.vhdx");
  ASSERT_TRUE(CreateVhdx(path, Options(24 * kMiB, 4 * kMiB, true)).ok());
  std::vector<uint8_t> model(24 * kMiB, 0);
  {
    auto writer = OpenWriter(path);
    ASSERT_TRUE(writer);
    EXPECT_EQ(writer->info().type, DiskType::kFixed);
    WriteBoth(*writer, model, 5 * kMiB, PatternBytes(6 * kMiB, 5));
    ASSERT_TRUE(writer->WriteZeros(8 * kMiB, 4 * kMiB).ok());  // a whole block: stays allocated
    std::fill(model.begin() + 8 * kMiB, model.begin() + 12 * kMiB, 0);
    ASSERT_TRUE(writer->Close().ok());
  }
  auto disk = Open(path);
  ASSERT_TRUE(disk);
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(*disk), model), "equal");
  auto ranges = disk->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  EXPECT_EQ(*ranges, (std::vector<ByteRange>{{0, 24 * kMiB}}));
}

TEST(VhdxDiskTest, WriteZerosReleasesWholeBlocksAndZeroesParts) {
  TempDir dir;
  const std::string path = dir.File("d.vhdx");
  ASSERT_TRUE(CreateVhdx(path, Options(16 * kMiB, kMiB)).ok());
  std::vector<uint8_t> model(16 * kMiB, 0);
  auto writer = OpenWriter(path);
  ASSERT_TRUE(writer);
  WriteBoth(*writer, model, 0, PatternBytes(8 * kMiB, 6));
  ASSERT_TRUE(writer->WriteZeros(kMiB / 2, 3 * kMiB).ok());
  std::fill(model.begin() + kMiB / 2, model.begin() + kMiB / 2 + 3 * kMiB, 0);
  ASSERT_TRUE(writer->Close().ok());
  auto disk = Open(path);
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(*disk), model), "equal");
  auto ranges = disk->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  // Blocks 1 and 2 were wholly zeroed: no longer allocated.
  EXPECT_EQ(*ranges, (std::vector<ByteRange>{{0, kMiB}, {3 * kMiB, 5 * kMiB}}));
}

TEST(VhdxDiskTest, ParallelWritersShareOneDisk) {
  TempDir dir;
  const std::string path = dir.File("d.vhdx");
  ASSERT_TRUE(CreateVhdx(path, Options(32 * kMiB, kMiB)).ok());
  std::vector<uint8_t> model(32 * kMiB, 0);
  auto writer = OpenWriter(path);
  ASSERT_TRUE(writer);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i) {
        const uint64_t offset = (static_cast<uint64_t>(i) * 4 + t) * kMiB + 4096 * static_cast<uint64_t>(t);
        const auto data = PatternBytes(100000, static_cast<uint32_t>(t * 100 + i));
        EXPECT_TRUE(writer->Write(offset, data).ok());
        std::memcpy(model.data() + offset, data.data(), data.size());  // disjoint ranges
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(*Open(path)), model), "equal");
}

TEST(VhdxDiskTest, CommitsSplitWhenChangesOutgrowOneLogEntry) {
  // 300 blocks, each in its own BAT page: more pages than one 1 MiB log entry holds.
  TempDir dir;
  const std::string path = dir.File("big.vhdx");
  const uint64_t stride = 512 * kMiB;  // 512 entries of 1 MiB blocks per 4 KiB BAT page
  ASSERT_TRUE(CreateVhdx(path, Options(300 * stride, kMiB)).ok());
  {
    auto writer = OpenWriter(path);
    ASSERT_TRUE(writer);
    for (uint64_t i = 0; i < 300; ++i) {
      ASSERT_TRUE(writer->Write(i * stride + 4096, PatternBytes(4096, static_cast<uint32_t>(i))).ok());
    }
    ASSERT_TRUE(writer->Close().ok());
  }
  auto disk = Open(path);
  ASSERT_TRUE(disk);
  auto ranges = disk->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  ASSERT_EQ(ranges->size(), 300u);
  std::vector<uint8_t> back(4096);
  for (uint64_t i = 0; i < 300; i += 37) {
    ASSERT_TRUE(disk->Read(i * stride + 4096, back).ok());
    EXPECT_EQ(back, PatternBytes(4096, static_cast<uint32_t>(i))) << "block " << i;
  }
}

TEST(VhdxDiskTest, MetadataChangesGoThroughTheLog) {
  TempDir dir;
  const std::string path = dir.File("d.vhdx");
  ASSERT_TRUE(CreateVhdx(path, Options(16 * kMiB, kMiB)).ok());
  const Guid id = Guid::Random();
  Guid identity;
  {
    ChainContext chain{{}, {}, {}};
    auto writer = VhdxWriter::Open(path, {}, chain);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->UpdateMetadata([&](vhdx::DiskMetadata& md) { md.virtual_disk_id = id; }, true).ok());
    const Status resize = (*writer)->UpdateMetadata([](vhdx::DiskMetadata& md) { md.virtual_size *= 2; }, true);
    ASSERT_FALSE(resize.ok());
    EXPECT_EQ(resize.error().code(), Code::kUnsupported);
    identity = (*writer)->info().data_write_guid;
    ASSERT_TRUE((*writer)->Close().ok());
  }
  auto disk = Open(path);
  EXPECT_EQ(disk->info().page83_id, id);
  EXPECT_EQ(disk->info().data_write_guid, identity);
}

// A crash at each step of a commit leaves a file whose content is either before or after
// the write, read-only opens replay in memory without touching the file, and a writable
// open (ours, or qemu's in the integration tests) replays it for good.
class VhdxCrashTest : public ::testing::TestWithParam<const char*> {};

TEST_P(VhdxCrashTest, CrashDuringCommitLeavesAConsistentFile) {
  const std::string crash_step = GetParam();
  TempDir dir;
  const std::string path = dir.File("d.vhdx");
  ASSERT_TRUE(CreateVhdx(path, Options(16 * kMiB, kMiB)).ok());
  std::vector<uint8_t> old_model(16 * kMiB, 0);
  {
    auto writer = OpenWriter(path);
    WriteBoth(*writer, old_model, 0, PatternBytes(kMiB, 1));
    ASSERT_TRUE(writer->Close().ok());
  }
  std::vector<uint8_t> new_model = old_model;
  {
    ChainContext chain{{}, {}, {}};
    auto writer = VhdxWriter::Open(path, {}, chain);
    ASSERT_TRUE(writer.ok());
    WriteBoth(**writer, new_model, 5 * kMiB, PatternBytes(2 * kMiB, 2));  // two new blocks
    WriteBoth(**writer, new_model, 100, PatternBytes(50, 3));               // an existing block
    (*writer)->SetFaultHookForTesting([&](std::string_view step) -> Status {
      if (step == crash_step) return Error(Code::kIo, "simulated crash");
      return Ok();
    });
    const Status closed = (*writer)->Close();
    ASSERT_FALSE(closed.ok());
    EXPECT_EQ(closed.error().message(), "simulated crash");
  }
  // Before "log entry": the new blocks were never referenced; payload written in place
  // to an existing block is there either way (a disk write, not metadata).
  std::vector<uint8_t> expected = crash_step == std::string("log entry") ? old_model : new_model;
  std::memcpy(expected.data() + 100, new_model.data() + 100, 50);
  const bool pending_log = crash_step != std::string("log entry");

  const std::vector<uint8_t> file_before = testing::ReadFileBytes(path);
  {
    auto disk = Open(path);
    ASSERT_TRUE(disk);
    EXPECT_EQ(disk->info().log_replayed, pending_log);
    EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(*disk), expected), "equal");
  }
  EXPECT_EQ(FirstDifference(testing::ReadFileBytes(path), file_before), "equal") << "a read-only open wrote";
  {
    auto writer = OpenWriter(path);  // replays into the file
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->Close().ok());
  }
  auto disk = Open(path);
  EXPECT_FALSE(disk->info().log_replayed);
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(*disk), expected), "equal");
}

INSTANTIATE_TEST_SUITE_P(EveryStep, VhdxCrashTest, ::testing::Values("log entry", "apply", "clear log"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), ' ', '_');
                           return name;
                         });

}  // namespace
}  // namespace hvr
