#include "util/file.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "platform/os_name.hpp"
#include "test_util/temp_dir.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

TEST(FileTest, MissingFileIsNotFoundAndNamed) {
  auto file = File::Open("/nonexistent/hvr/file", File::Mode::kRead);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().code(), Code::kNotFound);
  EXPECT_NE(file.error().message().find("/nonexistent/hvr/file"), std::string::npos);
}

TEST(FileTest, ShortReadIsCorruptDataWithOffset) {
  TempDir dir;
  const std::string path = dir.path() + "/f";
  ASSERT_TRUE(WriteFileAtomically(path, "hello").ok());
  auto file = File::Open(path, File::Mode::kRead);
  ASSERT_TRUE(file.ok());
  uint8_t buf[8];
  const Status s = file->ReadAt(2, buf);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), Code::kCorruptData);
  EXPECT_NE(s.error().message().find("offset 2"), std::string::npos);
  auto some = file->ReadSomeAt(2, buf);
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(*some, 3u);
}

TEST(FileTest, HolesAreNotData) {
  if (RunningUnderWine()) GTEST_SKIP() << "Wine reports every byte of a file as allocated (docs/windows.md)";
  TempDir dir;
  auto file = File::Open(dir.path() + "/sparse", File::Mode::kCreateExclusive);
  ASSERT_TRUE(file.ok());
  const uint64_t mib = 1 << 20;
  ASSERT_TRUE(file->Truncate(8 * mib).ok());
  std::vector<uint8_t> data(mib, 0xab);
  ASSERT_TRUE(file->WriteAt(4 * mib, data).ok());
  auto ranges = file->DataRanges();
  ASSERT_TRUE(ranges.ok());
  uint64_t covered = 0;
  for (const auto& [offset, length] : *ranges) {
    EXPECT_LE(offset, 4 * mib);
    covered += length;
  }
  EXPECT_GE(covered, mib);  // the written MiB is data...
  EXPECT_LT(covered, 8 * mib);  // ...and holes are not (tmpfs and ext4 both report them)
  ASSERT_TRUE(file->PunchHole(4 * mib, mib).ok());
  std::vector<uint8_t> back(mib, 1);
  ASSERT_TRUE(file->ReadAt(4 * mib, back).ok());
  EXPECT_EQ(back, std::vector<uint8_t>(mib, 0));
}

TEST(FileTest, AtomicWriteReplacesContent) {
  TempDir dir;
  const std::string path = dir.path() + "/state.json";
  ASSERT_TRUE(WriteFileAtomically(path, "one").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "two").ok());
  auto content = ReadWholeFile(path);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "two");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(FileTest, RemoveTreeRemovesEverything) {
  TempDir dir;
  const std::string tree = dir.path() + "/tree";
  std::filesystem::create_directories(PathFromUtf8(tree + "/a/b"));
  ASSERT_TRUE(WriteFileAtomically(tree + "/a/b/one", "1").ok());
  ASSERT_TRUE(WriteFileAtomically(tree + "/two", "2").ok());
  RemoveTree(tree);
  EXPECT_FALSE(std::filesystem::exists(PathFromUtf8(tree)));
  RemoveTree(tree);  // nothing there: nothing to report
}

// Where a removed file that is still open keeps its name (Windows without POSIX
// deletion, Wine), removing the tree once leaves it, and must end all the same.
TEST(FileTest, RemoveTreeEndsThoughAFileInItIsOpen) {
  TempDir dir;
  const std::string tree = dir.path() + "/tree";
  std::filesystem::create_directories(PathFromUtf8(tree + "/points"));
  ASSERT_TRUE(WriteFileAtomically(tree + "/points/p.undo", "undo").ok());
  {
    auto held = File::Open(tree + "/points/p.undo", File::Mode::kReadWrite);
    ASSERT_TRUE(held.ok());
    RemoveTree(tree);
  }
  RemoveTree(tree);
  EXPECT_FALSE(std::filesystem::exists(PathFromUtf8(tree)));
}

}  // namespace
}  // namespace hvr
