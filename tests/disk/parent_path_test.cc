#include "disk/parent_path.hpp"

#include <gtest/gtest.h>

#include "test_util/disk_tools.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

TEST(ParentPathTest, RelativePathsAreResolvedBesideTheChild) {
  EXPECT_EQ(HintToHostPath("/vm/disks/child.vhdx", {"relative_path", "..\\base\\p.vhdx", true}),
            "/vm/base/p.vhdx");
  EXPECT_EQ(HintToHostPath("/vm/c.avhdx", {"relative_path", ".\\p.vhdx", true}), "/vm/p.vhdx");
  // A drive letter is not relative, whatever the key says.
  EXPECT_EQ(HintToHostPath("/vm/c.avhdx", {"relative_path", "D:\\p.vhdx", true}), std::nullopt);
}

TEST(ParentPathTest, AbsolutePathsThisHostCanReach) {
  EXPECT_EQ(HintToHostPath("/x/c.vhdx", {"absolute_win32_path", "\\\\?\\\\srv\\vm\\p.vhdx", false}), "/srv/vm/p.vhdx");
  EXPECT_EQ(HintToHostPath("/x/c.vhdx", {"absolute_win32_path", "/srv/vm/p.vhdx", false}), "/srv/vm/p.vhdx");
  EXPECT_EQ(HintToHostPath("/x/c.vhdx", {"absolute_win32_path", "\\\\?\\C:\\vm\\p.vhdx", false}), std::nullopt);
  EXPECT_EQ(HintToHostPath("/x/c.vhdx", {"volume_path", "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\p.vhdx", false}),
            std::nullopt);
  EXPECT_EQ(HintToHostPath("/x/c.vhd", {"MacX", "file://localhost/srv/p.vhd", false}), "/srv/p.vhd");
}

TEST(ParentPathTest, WrittenPathsResolveBack) {
  EXPECT_EQ(WindowsRelativePath("/vm/a/child.vhdx", "/vm/b/p.vhdx"), "..\\b\\p.vhdx");
  EXPECT_EQ(WindowsRelativePath("/vm/child.vhdx", "/vm/p.vhdx"), ".\\p.vhdx");
  EXPECT_EQ(Win32AbsolutePath("/vm/b/p.vhdx"), "\\\\?\\\\vm\\b\\p.vhdx");
  EXPECT_EQ(HintToHostPath("/vm/a/child.vhdx", {"relative_path", WindowsRelativePath("/vm/a/child.vhdx", "/vm/b/p.vhdx"), true}),
            "/vm/b/p.vhdx");
}

TEST(ParentPathTest, FirstExistingHintWinsAndMissingParentNamesEveryTry) {
  TempDir dir;
  testing::WriteFileBytes(dir.File("p.vhdx"), {1});
  const std::string child = dir.File("c.vhdx");
  auto found = FindParentFile(child, {{"relative_path", ".\\gone.vhdx", true},
                                      {"absolute_win32_path", Win32AbsolutePath(dir.File("p.vhdx")), false}});
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  EXPECT_EQ(*found, dir.File("p.vhdx"));

  auto missing = FindParentFile(child, {{"relative_path", ".\\gone.vhdx", true},
                                        {"absolute_win32_path", "\\\\?\\C:\\gone.vhdx", false}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), Code::kBrokenChain);
  EXPECT_NE(missing.error().message().find(child), std::string::npos);
  EXPECT_NE(missing.error().message().find("relative_path"), std::string::npos);
  EXPECT_NE(missing.error().message().find("not a path on this host"), std::string::npos);
}

TEST(ParentPathTest, NamesDifferingOnlyInCaseAreFoundAsWindowsWould) {
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
