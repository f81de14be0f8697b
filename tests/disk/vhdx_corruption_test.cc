// Damaged VHDX files: every damage gives a clear error naming the file, the structure and
// the field, and nothing crashes.
#include <gtest/gtest.h>

#include "disk/disk_chain.hpp"
#include "disk/vhdx_image.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"
#include "util/endian.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using test::kMiB;

class VhdxCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("d.vhdx");
    VhdxCreateOptions o;
    o.virtual_size = 16 * kMiB;
    o.block_size = static_cast<uint32_t>(kMiB);
    ASSERT_TRUE(CreateVhdx(path_, o).ok());
    auto writer = OpenDiskForWrite(path_);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(2 * kMiB, testing::PatternBytes(2 * kMiB, 1)).ok());
    ASSERT_TRUE((*writer)->Close().ok());
    ChainContext chain{{}, {}, {}};
    auto image = vhdx::LoadImage(path_, vhdx::OpenMode::kReadOnly, chain);
    ASSERT_TRUE(image.ok());
    bat_offset_ = (*image)->regions.bat.file_offset;
    metadata_offset_ = (*image)->regions.metadata.file_offset;
    file_size_ = (*image)->file.size();
  }

  void Patch(uint64_t offset, const std::vector<uint8_t>& bytes) {
    auto file = File::Open(path_, File::Mode::kReadWrite);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(file->WriteAt(offset, bytes).ok());
  }
  void PatchU64(uint64_t offset, uint64_t value) {
    std::vector<uint8_t> bytes(8);
    StoreLE<uint64_t>(bytes.data(), value);
    Patch(offset, bytes);
  }

  // Opens the file expecting `code` and every fragment in the message.
  void ExpectError(Code code, const std::vector<std::string>& fragments) {
    auto disk = OpenDisk(path_);
    ASSERT_FALSE(disk.ok()) << "opened a damaged file";
    EXPECT_EQ(disk.error().code(), code) << disk.error().ToString();
    EXPECT_NE(disk.error().message().find(path_), std::string::npos) << disk.error().message();
    for (const std::string& f : fragments) {
      EXPECT_NE(disk.error().message().find(f), std::string::npos) << "missing \"" << f << "\" in " << disk.error().message();
    }
  }

  TempDir dir_;
  std::string path_;
  uint64_t bat_offset_ = 0;
  uint64_t metadata_offset_ = 0;
  uint64_t file_size_ = 0;
};

TEST_F(VhdxCorruptionTest, OneDamagedHeaderIsSurvivedBothAreNot) {
  Patch(64 * 1024 + 200, {0xFF});
  EXPECT_TRUE(OpenDisk(path_).ok());
  Patch(128 * 1024 + 200, {0xFF});
  ExpectError(Code::kCorruptData, {"no valid header", "header at offset 65536: Checksum expected",
                                   "header at offset 131072: Checksum expected"});
}

TEST_F(VhdxCorruptionTest, BadSignatureIsNamed) {
  Patch(0, {'x'});
  // Its name says VHDX: it must be one, and is never read as a raw disk.
  ExpectError(Code::kCorruptData,
              {"file type identifier at offset 0: Signature expected \"vhdxfile\", found 0x7868647866696c65"});
}

TEST_F(VhdxCorruptionTest, ARegionTableCopyIsEnoughButNotNone) {
  Patch(192 * 1024 + 100, {0xAA});
  EXPECT_TRUE(OpenDisk(path_).ok());
  Patch(256 * 1024 + 100, {0xAA});
  ExpectError(Code::kCorruptData, {"region table at offset 196608: Checksum", "region table at offset 262144: Checksum"});
}

TEST_F(VhdxCorruptionTest, ABatEntryPointingOutsideTheFile) {
  PatchU64(bat_offset_ + 2 * 8, (1000 * kMiB) | 6);  // block 2, fully present, far away
  ExpectError(Code::kCorruptData, {"BAT entry 2 (payload block 2)", "FileOffsetMB 1000", "outside the file"});
}

TEST_F(VhdxCorruptionTest, ABatEntryOverlappingTheMetadataRegion) {
  PatchU64(bat_offset_ + 5 * 8, metadata_offset_ | 6);
  ExpectError(Code::kCorruptData, {"overlaps", "payload block 5", "metadata region"});
}

TEST_F(VhdxCorruptionTest, TwoBlocksInOnePlace) {
  std::vector<uint8_t> entry(8);
  {
    auto file = File::Open(path_, File::Mode::kRead);
    ASSERT_TRUE(file->ReadAt(bat_offset_ + 2 * 8, entry).ok());  // block 2's entry
  }
  Patch(bat_offset_ + 7 * 8, entry);  // block 7 claims the same place
  ExpectError(Code::kCorruptData, {"payload block", "overlaps"});
}

TEST_F(VhdxCorruptionTest, AReservedBlockState) {
  PatchU64(bat_offset_ + 9 * 8, 4);
  ExpectError(Code::kCorruptData, {"BAT entry 9", "State 4 is reserved"});
}

TEST_F(VhdxCorruptionTest, PartiallyPresentOutsideADifferencingFile) {
  PatchU64(bat_offset_ + 2 * 8, (file_size_ - 2 * kMiB) | 7);
  ExpectError(Code::kCorruptData, {"PAYLOAD_BLOCK_PARTIALLY_PRESENT", "differencing"});
}

TEST_F(VhdxCorruptionTest, AnAbsurdVirtualSize) {
  ChainContext chain{{}, {}, {}};
  auto image = vhdx::LoadImage(path_, vhdx::OpenMode::kReadOnly, chain);
  ASSERT_TRUE(image.ok());
  vhdx::DiskMetadata md = (*image)->metadata;
  md.virtual_size = uint64_t{1} << 62;
  auto region = vhdx::EncodeMetadataRegion(vhdx::ItemsFor(md), (*image)->regions.metadata.length);
  ASSERT_TRUE(region.ok());
  Patch(metadata_offset_, *region);
  ExpectError(Code::kCorruptData, {"metadata region at offset", "Virtual Disk Size"});
}

TEST_F(VhdxCorruptionTest, ATruncatedFile) {
  auto file = File::Open(path_, File::Mode::kReadWrite);
  ASSERT_TRUE(file->Truncate(3 * kMiB).ok());  // cuts through the BAT region
  ExpectError(Code::kCorruptData, {"region"});
}

TEST_F(VhdxCorruptionTest, DamageNeverCrashesReads) {
  // Flip one byte at a time across the structures; whatever opens must read without error.
  for (uint64_t offset : {uint64_t{8}, uint64_t{64 * 1024 + 66}, uint64_t{192 * 1024 + 16}, metadata_offset_ + 40,
                          metadata_offset_ + 65536, bat_offset_ + 16 + 3}) {
    const std::vector<uint8_t> original = testing::ReadFileBytes(path_);
    Patch(offset, {static_cast<uint8_t>(original[offset] ^ 0x5A)});
    auto disk = OpenDisk(path_);
    if (disk.ok()) {
      std::vector<uint8_t> buf(kMiB);
      EXPECT_TRUE((*disk)->Read(2 * kMiB, buf).ok());
      EXPECT_TRUE((*disk)->AllocatedRanges().ok());
    } else {
      EXPECT_TRUE(disk.error().code() == Code::kCorruptData || disk.error().code() == Code::kUnsupported)
          << disk.error().ToString();
    }
    testing::WriteFileBytes(path_, original);
  }
}

}  // namespace
}  // namespace hvr
