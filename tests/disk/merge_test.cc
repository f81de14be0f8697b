// Merging a differencing VHDX into its parent, including an interrupted merge.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

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

class MergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    parent_ = dir_.File("parent.vhdx");
    child_ = dir_.File("child.avhdx");
    VhdxCreateOptions o;
    o.virtual_size = 32 * kMiB;
    o.block_size = static_cast<uint32_t>(kMiB);
    ASSERT_TRUE(CreateVhdx(parent_, o).ok());
    model_.assign(o.virtual_size, 0);
    Write(parent_, 0, PatternBytes(8 * kMiB, 1));
    ASSERT_TRUE(CreateDifferencingVhdx(child_, parent_).ok());
    Write(child_, kMiB + 512, PatternBytes(4096, 2));       // partial block over parent data
    Write(child_, 20 * kMiB, PatternBytes(3 * kMiB, 3));    // whole new blocks
    Write(child_, 30 * kMiB + 7, PatternBytes(99, 4));      // partial block of zeros below
    auto writer = OpenDiskForWrite(child_);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->WriteZeros(4 * kMiB, 2 * kMiB).ok());  // hides parent data
    ASSERT_TRUE((*writer)->Close().ok());
    std::fill(model_.begin() + 4 * kMiB, model_.begin() + 6 * kMiB, 0);
  }

  void Write(const std::string& path, uint64_t offset, const std::vector<uint8_t>& data) {
    testing::WriteImage(path, offset, data, &model_);
  }

  TempDir dir_;
  std::string parent_;
  std::string child_;
  std::vector<uint8_t> model_;  // what the child shows
};

TEST_F(MergeTest, TheParentTakesTheChildsContentAndTheChildGoes) {
  ASSERT_EQ(FirstDifference(testing::ReadImage(child_), model_), "equal");
  uint64_t last_progress = 0;
  MergeOptions options;
  options.progress = [&](uint64_t done, uint64_t total) {
    EXPECT_LE(done, total);
    last_progress = done;
  };
  auto merged = MergeDifferencingDisk(child_, options);
  ASSERT_TRUE(merged.ok()) << merged.error().ToString();
  EXPECT_EQ(merged->parent_path, parent_);
  EXPECT_EQ(merged->bytes_merged, last_progress);
  EXPECT_GT(merged->bytes_merged, 3 * kMiB);
  EXPECT_FALSE(std::filesystem::exists(child_));
  auto parent = OpenDisk(parent_);
  ASSERT_TRUE(parent.ok());
  EXPECT_EQ((*parent)->info().data_write_guid, merged->parent_data_write_guid);
  EXPECT_EQ(FirstDifference(testing::ReadWholeDisk(**parent), model_), "equal");
}

TEST_F(MergeTest, AKeptChildStillOpensOverTheMergedParent) {
  MergeOptions options;
  options.keep_child = true;
  auto merged = MergeDifferencingDisk(child_, options);
  ASSERT_TRUE(merged.ok()) << merged.error().ToString();
  EXPECT_EQ(FirstDifference(testing::ReadImage(child_), model_), "equal");  // through parent_linkage2
  EXPECT_EQ(FirstDifference(testing::ReadImage(parent_), model_), "equal");
}

TEST_F(MergeTest, AnInterruptedMergeLeavesAValidChildAndCompletesWhenRunAgain) {
  CancelToken cancel;
  MergeOptions options;
  options.cancel = &cancel;
  options.progress = [&](uint64_t, uint64_t) { cancel.Cancel(); };  // stop after the first piece
  auto interrupted = MergeDifferencingDisk(child_, options);
  ASSERT_FALSE(interrupted.ok());
  EXPECT_EQ(interrupted.error().code(), Code::kCancelled);
  // The parent has changed (half merged) but the child covers every change.
  EXPECT_NE(FirstDifference(testing::ReadImage(parent_), model_), "equal");
  EXPECT_EQ(FirstDifference(testing::ReadImage(child_), model_), "equal");

  auto merged = MergeDifferencingDisk(child_);
  ASSERT_TRUE(merged.ok()) << merged.error().ToString();
  EXPECT_EQ(FirstDifference(testing::ReadImage(parent_), model_), "equal");
}

TEST_F(MergeTest, OnlyDifferencingVhdxCanBeMerged) {
  auto r = MergeDifferencingDisk(parent_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace hvr
