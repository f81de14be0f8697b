#include "disk/image_file.hpp"

#include <gtest/gtest.h>

#include "test_util/disk_tools.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

TEST(ImageFileTest, OverlayPatchesReadsAndLaterPatchesWin) {
  TempDir dir;
  testing::WriteFileBytes(dir.File("f"), std::vector<uint8_t>(100, 1));
  auto file = ImageFile::Open(dir.File("f"), File::Mode::kRead);
  ASSERT_TRUE(file.ok());
  file->Patch(10, 20, std::vector<uint8_t>(20, 7));
  file->Patch(20, 5, {});                            // zeros over the middle
  file->Patch(90, 20, std::vector<uint8_t>(20, 9));  // past the end: grows the logical size
  EXPECT_EQ(file->size(), 110u);
  std::vector<uint8_t> out(110);
  ASSERT_TRUE(file->ReadAt(0, out).ok());
  std::vector<uint8_t> expected(110, 1);
  std::fill(expected.begin() + 10, expected.begin() + 30, 7);
  std::fill(expected.begin() + 20, expected.begin() + 25, 0);
  std::fill(expected.begin() + 90, expected.end(), 9);
  EXPECT_EQ(testing::FirstDifference(out, expected), "equal");
  std::vector<uint8_t> past(1);
  const Status s = file->ReadAt(110, past);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), Code::kCorruptData);
}

TEST(ImageFileTest, LogicalSizeBeyondTheFileReadsZeros) {
  TempDir dir;
  testing::WriteFileBytes(dir.File("f"), std::vector<uint8_t>(10, 5));
  auto file = ImageFile::Open(dir.File("f"), File::Mode::kRead);
  ASSERT_TRUE(file.ok());
  file->GrowLogicalSize(30);
  std::vector<uint8_t> out(25);
  ASSERT_TRUE(file->ReadAt(5, out).ok());
  EXPECT_EQ(out[4], 5);
  EXPECT_EQ(out[5], 0);
  EXPECT_EQ(out[24], 0);
}

}  // namespace
}  // namespace hvr
