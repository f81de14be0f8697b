// Differencing VHDX: a child over a parent reads the parent where it holds nothing, keeps
// whatever is written to it to itself, and refuses to open over a missing, changed or
// circular chain.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "disk/vhdx_image.hpp"
#include "disk/vhdx_metadata.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using testing::FirstDifference;
using testing::PatternBytes;

using test::kMiB;
constexpr uint64_t kSize = 16 * kMiB;

using testing::ReadImage;

// Writes through a fresh writer and into `model` when given.
void Write(const std::string& path, std::vector<uint8_t>* model, uint64_t offset, const std::vector<uint8_t>& data) {
  testing::WriteImage(path, offset, data, model);
}

class DifferencingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    parent_ = dir_.File("parent.vhdx");
    child_ = dir_.File("child.avhdx");
    VhdxCreateOptions o;
    o.virtual_size = kSize;
    o.block_size = static_cast<uint32_t>(kMiB);
    ASSERT_TRUE(CreateVhdx(parent_, o).ok());
    model_.assign(kSize, 0);
    Write(parent_, &model_, 0, PatternBytes(6 * kMiB, 1));
    Write(parent_, &model_, 10 * kMiB, PatternBytes(kMiB, 2));
    ASSERT_TRUE(CreateDifferencingVhdx(child_, parent_).ok());
  }

  TempDir dir_;
  std::string parent_;
  std::string child_;
  std::vector<uint8_t> model_;
};

TEST_F(DifferencingTest, ANewChildReadsAsItsParent) {
  auto child = OpenDisk(child_);
  ASSERT_TRUE(child.ok()) << child.error().ToString();
  const DiskInfo& info = (*child)->info();
  EXPECT_EQ(info.type, DiskType::kDifferencing);
  ASSERT_TRUE(info.parent_path.has_value());
  EXPECT_EQ(*info.parent_path, parent_);
  ASSERT_NE((*child)->parent(), nullptr);
  EXPECT_EQ(info.parent_identity, (*child)->parent()->info().data_write_guid);
  EXPECT_EQ(info.page83_id, (*child)->parent()->info().page83_id);  // forked from the parent
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(**child), model_), "equal");
  auto ranges = (*child)->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  EXPECT_EQ(*ranges, (std::vector<ByteRange>{{0, 6 * kMiB}, {10 * kMiB, kMiB}}));
}

TEST_F(DifferencingTest, WritesStayInTheChildSectorBySector) {
  const std::vector<uint8_t> parent_before = ReadImage(parent_);
  std::vector<uint8_t> child_model = model_;
  Write(child_, &child_model, kMiB + 50, PatternBytes(100, 3));          // inside one sector of a parent block
  Write(child_, &child_model, 7 * kMiB + 1000, PatternBytes(5000, 4));   // a block the parent lacks
  Write(child_, &child_model, 12 * kMiB, PatternBytes(kMiB, 5));         // a whole block
  EXPECT_EQ(FirstDifference(ReadImage(child_), child_model), "equal");
  EXPECT_EQ(FirstDifference(ReadImage(parent_), parent_before), "equal");
  auto child = OpenDisk(child_);
  auto ranges = (*child)->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  EXPECT_EQ(*ranges, (std::vector<ByteRange>{{0, 6 * kMiB}, {7 * kMiB + 512, 5632}, {10 * kMiB, kMiB}, {12 * kMiB, kMiB}}));
  EXPECT_TRUE(testing::RangesCoverNonZero(*ranges, child_model));
}

TEST_F(DifferencingTest, APartialBlockFilledSectorBySectorBecomesWhole) {
  std::vector<uint8_t> child_model = model_;
  auto writer = OpenDiskForWrite(child_);
  ASSERT_TRUE(writer.ok());
  for (uint64_t offset = 2 * kMiB; offset < 3 * kMiB; offset += 64 * 1024) {
    const auto data = PatternBytes(64 * 1024, static_cast<uint32_t>(offset));
    ASSERT_TRUE((*writer)->Write(offset, data).ok());
    std::memcpy(child_model.data() + offset, data.data(), data.size());
  }
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(FirstDifference(ReadImage(child_), child_model), "equal");
}

TEST_F(DifferencingTest, ZeroingInTheChildHidesTheParent) {
  std::vector<uint8_t> child_model = model_;
  auto writer = OpenDiskForWrite(child_);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteZeros(kMiB, 2 * kMiB + 4096).ok());
  std::fill(child_model.begin() + kMiB, child_model.begin() + 3 * kMiB + 4096, 0);
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(FirstDifference(ReadImage(child_), child_model), "equal");
  auto ranges = (*OpenDisk(child_))->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  EXPECT_TRUE(testing::RangesCoverNonZero(*ranges, child_model));
  EXPECT_EQ(ranges->front(), (ByteRange{0, kMiB}));  // blocks 1 and 2 no longer come from the parent
}

TEST_F(DifferencingTest, GrandchildrenChainThroughEveryLevel) {
  std::vector<uint8_t> child_model = model_;
  Write(child_, &child_model, 4 * kMiB, PatternBytes(4096, 6));
  const std::string grandchild = dir_.File("grandchild.avhdx");
  ASSERT_TRUE(CreateDifferencingVhdx(grandchild, child_).ok());
  Write(grandchild, &child_model, 4 * kMiB + 512, PatternBytes(512, 7));
  EXPECT_EQ(FirstDifference(ReadImage(grandchild), child_model), "equal");
  OpenDiskOptions shallow;
  shallow.max_chain_depth = 2;
  auto refused = OpenDisk(grandchild, shallow);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), Code::kBrokenChain);
  EXPECT_NE(refused.error().message().find("deeper than 2"), std::string::npos);
}

TEST_F(DifferencingTest, ParentFoundByAbsolutePathWhenTheChildMoves) {
  std::filesystem::create_directories(dir_.File("elsewhere"));
  const std::string moved = dir_.File("elsewhere/child.avhdx");
  std::filesystem::rename(child_, moved);
  auto child = OpenDisk(moved);
  ASSERT_TRUE(child.ok()) << child.error().ToString();
  EXPECT_EQ(*(*child)->info().parent_path, parent_);
}

TEST_F(DifferencingTest, ParentFoundByRelativePathWhenBothMove) {
  std::filesystem::create_directories(dir_.File("moved"));
  const std::string parent = dir_.File("moved/parent.vhdx");
  const std::string moved = dir_.File("moved/child.avhdx");
  std::filesystem::rename(parent_, parent);
  std::filesystem::rename(child_, moved);
  auto child = OpenDisk(moved);
  ASSERT_TRUE(child.ok()) << child.error().ToString();
  EXPECT_EQ(*(*child)->info().parent_path, parent);
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(**child), model_), "equal");
}

TEST_F(DifferencingTest, AMissingParentIsABrokenChainNamingTheChild) {
  std::filesystem::remove(parent_);
  auto child = OpenDisk(child_);
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code(), Code::kBrokenChain);
  EXPECT_NE(child.error().message().find(child_), std::string::npos);
  EXPECT_NE(child.error().message().find("parent disk not found"), std::string::npos);
}

TEST_F(DifferencingTest, AParentWrittenAfterTheChildWasMadeBreaksTheChain) {
  Write(parent_, nullptr, 0, PatternBytes(512, 9));  // a new DataWriteGuid
  auto child = OpenDisk(child_);
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code(), Code::kBrokenChain);
  const std::string& m = child.error().message();
  EXPECT_NE(m.find(child_), std::string::npos);
  EXPECT_NE(m.find(parent_), std::string::npos);
  EXPECT_NE(m.find("parent_linkage"), std::string::npos);
}

TEST_F(DifferencingTest, ACycleOfParentsIsRefused) {
  // Make the parent claim the child as its own parent, by rewriting its metadata region
  // in place (it has no checksum).
  auto child = OpenDisk(child_);
  ASSERT_TRUE(child.ok());
  const Guid child_identity = (*child)->info().data_write_guid;
  child->reset();
  ChainContext chain{{}, {}, {}};
  auto parent_image = vhdx::LoadImage(parent_, vhdx::OpenMode::kReadOnly, chain);
  ASSERT_TRUE(parent_image.ok());
  vhdx::DiskMetadata md = (*parent_image)->metadata;
  md.has_parent = true;
  vhdx::ParentLocator locator;
  locator.Set("parent_linkage", vhdx::BracedGuid(child_identity));
  locator.Set("relative_path", ".\\child.avhdx");
  md.parent_locator = locator;
  auto region = vhdx::EncodeMetadataRegion(vhdx::ItemsFor(md), (*parent_image)->regions.metadata.length);
  ASSERT_TRUE(region.ok());
  auto file = File::Open(parent_, File::Mode::kReadWrite);
  ASSERT_TRUE(file->WriteAt((*parent_image)->regions.metadata.file_offset, *region).ok());

  auto cyclic = OpenDisk(child_);
  ASSERT_FALSE(cyclic.ok());
  EXPECT_EQ(cyclic.error().code(), Code::kBrokenChain);
  EXPECT_NE(cyclic.error().message().find("cycle"), std::string::npos);
  EXPECT_NE(cyclic.error().message().find(child_), std::string::npos);
}

TEST_F(DifferencingTest, ADifferencingVhdxNeedsAVhdxParent) {
  const std::string raw = dir_.File("p.raw");
  ASSERT_TRUE(CreateRaw(raw, kSize).ok());
  const Status s = CreateDifferencingVhdx(dir_.File("c2.avhdx"), raw);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), Code::kUnsupported);
}

}  // namespace
}  // namespace hvr

namespace hvr {
namespace {

// Reads [offset, offset + length) of an image.
std::vector<uint8_t> ReadPart(const std::string& path, uint64_t offset, size_t length) {
  auto disk = OpenDisk(path);
  EXPECT_TRUE(disk.ok()) << disk.error().ToString();
  std::vector<uint8_t> out(length);
  if (disk.ok()) {
    EXPECT_TRUE((*disk)->Read(offset, out).ok());
  }
  return out;
}

TEST(DifferencingGeometryTest, FourKiBSectorsWorkTheSame) {
  TempDir dir;
  const std::string parent = dir.File("p.vhdx");
  const std::string child = dir.File("c.avhdx");
  VhdxCreateOptions o;
  o.virtual_size = 8 * kMiB;
  o.block_size = static_cast<uint32_t>(kMiB);
  o.logical_sector_size = 4096;
  ASSERT_TRUE(CreateVhdx(parent, o).ok());
  std::vector<uint8_t> model(o.virtual_size, 0);
  testing::WriteImage(parent, 0, PatternBytes(3 * kMiB, 1), &model);
  ASSERT_TRUE(CreateDifferencingVhdx(child, parent).ok());
  testing::WriteImage(child, kMiB + 100, PatternBytes(5000, 2), &model);  // inside 4 KiB sectors
  testing::WriteImage(child, 5 * kMiB + 4095, PatternBytes(2, 3), &model);
  auto disk = OpenDisk(child);
  ASSERT_TRUE(disk.ok()) << disk.error().ToString();
  EXPECT_EQ((*disk)->info().logical_sector_size, 4096u);
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(**disk), model), "equal");
  auto ranges = (*disk)->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  EXPECT_EQ(ranges->back(), (ByteRange{5 * kMiB, 8192}));  // two whole 4 KiB sectors
}

TEST(DifferencingGeometryTest, AChildSpanningSeveralBitmapChunks) {
  // 512-byte sectors and 1 MiB blocks: one sector bitmap block per 4 GiB chunk.
  TempDir dir;
  const std::string parent = dir.File("p.vhdx");
  const std::string child = dir.File("c.avhdx");
  VhdxCreateOptions o;
  o.virtual_size = 9ull << 30;
  o.block_size = static_cast<uint32_t>(kMiB);
  ASSERT_TRUE(CreateVhdx(parent, o).ok());
  const uint64_t offsets[] = {(1ull << 29) + 512, (5ull << 30) + 7, (17ull << 29) + 4096};
  for (const uint64_t at : offsets) testing::WriteImage(parent, at - 4096, PatternBytes(16384, 4));
  ASSERT_TRUE(CreateDifferencingVhdx(child, parent).ok());
  {
    auto writer = OpenDiskForWrite(child);
    ASSERT_TRUE(writer.ok());
    for (size_t i = 0; i < 3; ++i) ASSERT_TRUE((*writer)->Write(offsets[i], PatternBytes(1000, 10 + i)).ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }
  for (size_t i = 0; i < 3; ++i) {
    std::vector<uint8_t> expected = PatternBytes(16384, 4);
    const auto mine = PatternBytes(1000, 10 + i);
    std::copy(mine.begin(), mine.end(), expected.begin() + 4096);
    EXPECT_EQ(FirstDifference(ReadPart(child, offsets[i] - 4096, 16384), expected), "equal") << "chunk of write " << i;
  }
  auto ranges = (*OpenDisk(child))->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  EXPECT_EQ(ranges->size(), 3u);
}

}  // namespace
}  // namespace hvr
