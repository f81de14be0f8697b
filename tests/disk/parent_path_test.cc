#include "disk/parent_path.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util/disk_tools.hpp"
#include "test_util/temp_dir.hpp"
#include "util/path.hpp"

// The paths a locator records, read on this host, whichever it is: the folders are a
// TempDir's, absolute in the host's own form. What only a POSIX host reads its own way is
// in parent_path_posix_test.cc.

namespace hvr {
namespace {

TEST(ParentPathTest, RelativePathsAreResolvedBesideTheChild) {
  TempDir vm;
  EXPECT_EQ(HintToHostPath(vm.File("disks/child.vhdx"), {"relative_path", "..\\base\\p.vhdx", true}),
            vm.File("base/p.vhdx"));
  EXPECT_EQ(HintToHostPath(vm.File("c.avhdx"), {"relative_path", ".\\p.vhdx", true}), vm.File("p.vhdx"));
  // A drive letter is not relative, whatever the key says.
  EXPECT_EQ(HintToHostPath(vm.File("c.avhdx"), {"relative_path", "D:\\p.vhdx", true}), std::nullopt);
}

TEST(ParentPathTest, SharesAndVolumesAreNotFollowed) {
  TempDir vm;
  const std::string child = vm.File("c.vhdx");
  EXPECT_EQ(HintToHostPath(child, {"absolute_win32_path", "\\\\?\\UNC\\srv\\share\\p.vhdx", false}), std::nullopt);
  EXPECT_EQ(HintToHostPath(child, {"absolute_win32_path", "\\\\srv\\share\\p.vhdx", false}), std::nullopt);
  EXPECT_EQ(HintToHostPath(child, {"volume_path", "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\p.vhdx", false}),
            std::nullopt);
}

TEST(ParentPathTest, WrittenPathsResolveBack) {
  TempDir vm;
  const std::string child = vm.File("a/child.vhdx");
  const std::string parent = vm.File("b/p.vhdx");
  EXPECT_EQ(WindowsRelativePath(child, parent), "..\\b\\p.vhdx");
  EXPECT_EQ(WindowsRelativePath(vm.File("child.vhdx"), vm.File("p.vhdx")), ".\\p.vhdx");
  EXPECT_EQ(HintToHostPath(child, {"relative_path", WindowsRelativePath(child, parent), true}), parent);

  const std::string absolute = Win32AbsolutePath(parent);
  EXPECT_TRUE(absolute.starts_with("\\\\?\\")) << absolute;
  EXPECT_EQ(absolute.find('/'), std::string::npos) << absolute;
  EXPECT_EQ(HintToHostPath(child, {"absolute_win32_path", absolute, false}), parent);
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
                                        {"volume_path", "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\gone.vhdx", false}});
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
  // Spelled as the folder has it on a case-sensitive file system, as the hint has it on
  // Windows: the same file either way.
  EXPECT_TRUE(std::filesystem::equivalent(PathFromUtf8(*found), PathFromUtf8(dir.File("base.vhdx")))) << *found;
}

}  // namespace
}  // namespace hvr
