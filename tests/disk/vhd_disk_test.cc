// VHD images: fixed (Azure's layout), dynamic and differencing, read and written.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "disk/vhd_footer.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/vhd_builder.hpp"
#include "util/endian.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using testing::FirstDifference;
using testing::PatternBytes;

using test::kMiB;

void WriteBoth(const std::string& path, std::vector<uint8_t>* model, uint64_t offset, const std::vector<uint8_t>& data) {
  testing::WriteImage(path, offset, data, model);
}

using testing::ReadImage;

TEST(VhdDiskTest, FixedVhdIsDataThenAFooterOfTheExactSize) {
  TempDir dir;
  const std::string path = dir.File("azure.vhd");
  ASSERT_TRUE(CreateFixedVhd(path, 10 * kMiB).ok());
  EXPECT_EQ(std::filesystem::file_size(path), 10 * kMiB + 512);
  std::vector<uint8_t> model(10 * kMiB, 0);
  WriteBoth(path, &model, 3 * kMiB + 5, PatternBytes(kMiB, 1));
  auto disk = OpenDisk(path);
  ASSERT_TRUE(disk.ok());
  EXPECT_EQ((*disk)->info().format, DiskFormat::kVhd);
  EXPECT_EQ((*disk)->info().type, DiskType::kFixed);
  EXPECT_EQ((*disk)->info().virtual_size, 10 * kMiB);
  EXPECT_FALSE((*disk)->info().unique_id.IsZero());
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(**disk), model), "equal");
  // The footer survived the writes.
  const std::vector<uint8_t> bytes = testing::ReadFileBytes(path);
  auto footer = vhd::Decode(std::span<const uint8_t, 512>(bytes.data() + 10 * kMiB, 512), "footer");
  ASSERT_TRUE(footer.ok()) << footer.error().ToString();
  EXPECT_EQ(footer->current_size, 10 * kMiB);
  const Status not_whole = CreateFixedVhd(dir.File("odd.vhd"), 10 * kMiB + 512);
  ASSERT_FALSE(not_whole.ok());
  EXPECT_EQ(not_whole.error().code(), Code::kInvalidArgument);
}

TEST(VhdDiskTest, DynamicVhdGrowsBlockByBlockAndKeepsItsFooters) {
  TempDir dir;
  const std::string path = dir.File("d.vhd");
  testing::BuildDynamicVhd(path, {.virtual_size = 20 * kMiB});
  std::vector<uint8_t> model(20 * kMiB, 0);
  EXPECT_EQ(ReadImage(path), model);
  WriteBoth(path, &model, 2 * kMiB + 100, PatternBytes(3 * kMiB, 2));  // spans blocks, unaligned
  WriteBoth(path, &model, 19 * kMiB + 511, PatternBytes(2, 3));        // across a sector boundary
  auto disk = OpenDisk(path);
  ASSERT_TRUE(disk.ok()) << disk.error().ToString();
  EXPECT_EQ((*disk)->info().type, DiskType::kDynamic);
  EXPECT_EQ((*disk)->info().block_size, 2 * kMiB);
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(**disk), model), "equal");
  auto ranges = (*disk)->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  // Only the written sectors are marked in the blocks' bitmaps.
  EXPECT_EQ(*ranges, (std::vector<ByteRange>{{2 * kMiB, 3 * kMiB + 512}, {19 * kMiB, 1024}}));
  EXPECT_TRUE(testing::RangesCoverNonZero(*ranges, model));
  // Both footers agree.
  const std::vector<uint8_t> bytes = testing::ReadFileBytes(path);
  EXPECT_EQ(0, std::memcmp(bytes.data(), bytes.data() + bytes.size() - 512, 512));
}

TEST(VhdDiskTest, ADamagedEndFooterFallsBackToTheCopy) {
  TempDir dir;
  const std::string path = dir.File("d.vhd");
  testing::BuildDynamicVhd(path, {.virtual_size = 8 * kMiB});
  std::vector<uint8_t> model(8 * kMiB, 0);
  WriteBoth(path, &model, kMiB, PatternBytes(4096, 4));
  const uint64_t size = std::filesystem::file_size(path);
  {
    auto file = File::Open(path, File::Mode::kReadWrite);
    ASSERT_TRUE(file->WriteAt(size - 512 + 70, std::vector<uint8_t>{0xEE}).ok());
  }
  EXPECT_EQ(FirstDifference(ReadImage(path), model), "equal");
}

class VhdDifferencingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    parent_ = dir_.File("parent.vhd");
    child_ = dir_.File("child.vhd");
    testing::BuildDynamicVhd(parent_, {.virtual_size = 8 * kMiB});
    model_.assign(8 * kMiB, 0);
    WriteBoth(parent_, &model_, 0, PatternBytes(5 * kMiB, 1));
  }
  void MakeChild(testing::VhdBuildOptions options) {
    options.virtual_size = 8 * kMiB;
    options.parent_path = parent_;
    testing::BuildDynamicVhd(child_, options);
  }

  TempDir dir_;
  std::string parent_;
  std::string child_;
  std::vector<uint8_t> model_;
};

TEST_F(VhdDifferencingTest, ChildReadsParentAndKeepsItsOwnWrites) {
  MakeChild({});
  EXPECT_EQ(FirstDifference(ReadImage(child_), model_), "equal");
  const std::vector<uint8_t> parent_before = model_;
  WriteBoth(child_, &model_, kMiB + 3, PatternBytes(1000, 5));
  WriteBoth(child_, &model_, 6 * kMiB, PatternBytes(4096, 6));
  auto child = OpenDisk(child_);
  ASSERT_TRUE(child.ok()) << child.error().ToString();
  EXPECT_EQ((*child)->info().type, DiskType::kDifferencing);
  EXPECT_EQ(*(*child)->info().parent_path, parent_);
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(**child), model_), "equal");
  EXPECT_EQ(FirstDifference(ReadImage(parent_), parent_before), "equal");
  auto writer = OpenDiskForWrite(child_);
  ASSERT_TRUE((*writer)->WriteZeros(0, kMiB).ok());  // hides the parent's first MiB
  ASSERT_TRUE((*writer)->Close().ok());
  std::fill(model_.begin(), model_.begin() + kMiB, 0);
  EXPECT_EQ(FirstDifference(ReadImage(child_), model_), "equal");
}

TEST_F(VhdDifferencingTest, OnlyTheAbsoluteLocatorIsEnough) {
  MakeChild({.relative_locator = false});
  EXPECT_EQ(FirstDifference(ReadImage(child_), model_), "equal");
}

TEST_F(VhdDifferencingTest, AnotherParentUniqueIdBreaksTheChain) {
  MakeChild({.parent_unique_id = Guid::Random()});
  auto child = OpenDisk(child_);
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code(), Code::kBrokenChain);
  EXPECT_NE(child.error().message().find("unique id"), std::string::npos);
  EXPECT_NE(child.error().message().find(parent_), std::string::npos);
}

TEST_F(VhdDifferencingTest, AnotherParentTimeStampBreaksTheChainUnlessIgnored) {
  MakeChild({.parent_timestamp = 12345});
  auto child = OpenDisk(child_);
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code(), Code::kBrokenChain);
  EXPECT_NE(child.error().message().find("time stamp"), std::string::npos);
  OpenDiskOptions relaxed;
  relaxed.check_vhd_parent_timestamp = false;
  EXPECT_TRUE(OpenDisk(child_, relaxed).ok());
}

TEST_F(VhdDifferencingTest, AMissingParentIsABrokenChain) {
  MakeChild({});
  std::filesystem::remove(parent_);
  auto child = OpenDisk(child_);
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code(), Code::kBrokenChain);
  EXPECT_NE(child.error().message().find("W2ru"), std::string::npos);
}

TEST(VhdCorruptionTest, DamageIsNamed) {
  TempDir dir;
  const std::string path = dir.File("d.vhd");
  testing::BuildDynamicVhd(path, {.virtual_size = 8 * kMiB});
  std::vector<uint8_t> bytes = testing::ReadFileBytes(path);
  // A BAT entry (at 1536) pointing past the end of the file.
  std::vector<uint8_t> bad = bytes;
  StoreBE<uint32_t>(bad.data() + 1536 + 4, 0x00100000);
  testing::WriteFileBytes(path, bad);
  auto disk = OpenDisk(path);
  ASSERT_FALSE(disk.ok());
  EXPECT_EQ(disk.error().code(), Code::kCorruptData);
  EXPECT_NE(disk.error().message().find("BAT entry 1"), std::string::npos) << disk.error().message();
  EXPECT_NE(disk.error().message().find("outside the file"), std::string::npos);
  // A damaged dynamic header checksum.
  bad = bytes;
  bad[512 + 40] ^= 1;
  testing::WriteFileBytes(path, bad);
  disk = OpenDisk(path);
  ASSERT_FALSE(disk.ok());
  EXPECT_NE(disk.error().message().find("dynamic header at offset 512: Checksum"), std::string::npos)
      << disk.error().message();
}

}  // namespace
}  // namespace hvr
