// How a POSIX host reads the paths a locator records: the form hvr writes there ("\\?\"
// and a POSIX path), plain POSIX paths and VHD's file:// URLs resolve; a drive letter
// names a place it cannot see; and a name that differs in case is its file only when no
// other file matches it, which a case-sensitive file system allows. Windows reads drive
// letters instead, and its file systems ignore case (parent_path_test.cc has what both do).
#include "disk/parent_path.hpp"

#include <gtest/gtest.h>

#include "test_util/disk_tools.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

TEST(ParentPathPosixTest, AbsolutePathsThisHostCanReach) {
  EXPECT_EQ(HintToHostPath("/x/c.vhdx", {"absolute_win32_path", "\\\\?\\\\srv\\vm\\p.vhdx", false}), "/srv/vm/p.vhdx");
  EXPECT_EQ(HintToHostPath("/x/c.vhdx", {"absolute_win32_path", "/srv/vm/p.vhdx", false}), "/srv/vm/p.vhdx");
  EXPECT_EQ(HintToHostPath("/x/c.vhdx", {"absolute_win32_path", "\\\\?\\C:\\vm\\p.vhdx", false}), std::nullopt);
  EXPECT_EQ(HintToHostPath("/x/c.vhdx", {"absolute_win32_path", "C:\\vm\\p.vhdx", false}), std::nullopt);
  EXPECT_EQ(HintToHostPath("/x/c.vhd", {"MacX", "file://localhost/srv/p.vhd", false}), "/srv/p.vhd");
}

TEST(ParentPathPosixTest, WrittenAbsolutePathIsThePosixPathWithBackslashes) {
  EXPECT_EQ(Win32AbsolutePath("/vm/b/p.vhdx"), "\\\\?\\\\vm\\b\\p.vhdx");
}

TEST(ParentPathPosixTest, NamesDifferingOnlyInCaseAreFoundOnlyWhenOneFileMatches) {
  TempDir dir;
  testing::WriteFileBytes(dir.File("base.vhdx"), {1});
  auto found = FindParentFile(dir.File("c.avhdx"), {{"relative_path", ".\\Base.VHDX", true}});
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  EXPECT_EQ(*found, dir.File("base.vhdx"));
  testing::WriteFileBytes(dir.File("BASE.vhdx"), {2});  // now ambiguous: refused
  EXPECT_FALSE(FindParentFile(dir.File("c.avhdx"), {{"relative_path", ".\\Base.VHDX", true}}).ok());
}

}  // namespace
}  // namespace hvr
