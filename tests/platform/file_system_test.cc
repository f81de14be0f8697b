#include "platform/file_system.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util/temp_dir.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

std::string Content(const std::string& path) {
  auto content = ReadWholeFile(path);
  return content.ok() ? *content : "<" + content.error().ToString() + ">";
}

TEST(FileSystemTest, RenameReplacingReplacesTheTarget) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir.path() + "/a", "new").ok());
  ASSERT_TRUE(WriteFileAtomically(dir.path() + "/b", "old").ok());
  ASSERT_TRUE(RenameReplacing(dir.path() + "/a", dir.path() + "/b").ok());
  EXPECT_EQ(Content(dir.path() + "/b"), "new");
  EXPECT_FALSE(std::filesystem::exists(PathFromUtf8(dir.path() + "/a")));
}

TEST(FileSystemTest, RenameNoReplaceRefusesAnExistingFileAndKeepsBoth) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir.path() + "/a", "mine").ok());
  ASSERT_TRUE(WriteFileAtomically(dir.path() + "/b", "theirs").ok());
  const Status renamed = RenameNoReplace(dir.path() + "/a", dir.path() + "/b");
  ASSERT_FALSE(renamed.ok());
  EXPECT_EQ(renamed.error().code(), Code::kConflict);
  EXPECT_NE(renamed.error().message().find(dir.path() + "/b"), std::string::npos);
  EXPECT_EQ(Content(dir.path() + "/a"), "mine");
  EXPECT_EQ(Content(dir.path() + "/b"), "theirs");
  ASSERT_TRUE(RenameNoReplace(dir.path() + "/a", dir.path() + "/c").ok());
  EXPECT_EQ(Content(dir.path() + "/c"), "mine");
}

TEST(FileSystemTest, RenameNoReplaceRefusesAnExistingFolder) {
  TempDir dir;
  ASSERT_TRUE(MakeDirectory(dir.path() + "/a").ok());
  ASSERT_TRUE(MakeDirectory(dir.path() + "/b").ok());
  ASSERT_TRUE(WriteFileAtomically(dir.path() + "/b/kept", "x").ok());
  const Status renamed = RenameNoReplace(dir.path() + "/a", dir.path() + "/b");
  ASSERT_FALSE(renamed.ok());
  EXPECT_EQ(renamed.error().code(), Code::kConflict);
  EXPECT_EQ(Content(dir.path() + "/b/kept"), "x");
}

TEST(FileSystemTest, AFileOpenHereCanBeRenamedAndRemoved) {
  // What POSIX allows and hvr relies on (a new image is renamed while open; another
  // process may replace a file hvr reads): on Windows, every handle shares deletion.
  TempDir dir;
  auto file = File::Open(dir.path() + "/open", File::Mode::kCreateExclusive);
  ASSERT_TRUE(file.ok()) << file.error().ToString();
  ASSERT_TRUE(RenameReplacing(dir.path() + "/open", dir.path() + "/renamed").ok());
  ASSERT_TRUE(RemoveFile(dir.path() + "/renamed").ok());
}

TEST(FileSystemTest, RemovingAMissingFileIsNotFoundUnlessAllowed) {
  TempDir dir;
  const Status removed = RemoveFile(dir.path() + "/missing");
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().code(), Code::kNotFound);
  EXPECT_NE(removed.error().message().find(dir.path() + "/missing"), std::string::npos);
  EXPECT_TRUE(RemoveFileIfExists(dir.path() + "/missing").ok());
}

TEST(FileSystemTest, MakingAnExistingFolderIsAConflict) {
  TempDir dir;
  ASSERT_TRUE(MakeDirectory(dir.path() + "/d").ok());
  const Status again = MakeDirectory(dir.path() + "/d");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kConflict);
  EXPECT_TRUE(SyncDirectory(dir.path() + "/d").ok());
}

TEST(FileSystemTest, IdentityTellsFilesApartWhateverThePath) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir.path() + "/a", "1").ok());
  ASSERT_TRUE(WriteFileAtomically(dir.path() + "/b", "1").ok());
  auto a = IdentityOfFile(dir.path() + "/a");
  auto a_again = IdentityOfFile(dir.path() + "/./a");
  auto b = IdentityOfFile(dir.path() + "/b");
  ASSERT_TRUE(a.ok() && a_again.ok() && b.ok());
  EXPECT_EQ(*a, *a_again);
  EXPECT_NE(*a, *b);
  auto opened = File::Open(dir.path() + "/a", File::Mode::kRead);
  ASSERT_TRUE(opened.ok());
  auto by_handle = opened->Identity();
  ASSERT_TRUE(by_handle.ok());
  EXPECT_EQ(*by_handle, *a);
  EXPECT_EQ(IdentityOfFile(dir.path() + "/missing").error().code(), Code::kNotFound);
}

TEST(FileSystemTest, PathsAreUtf8) {
  TempDir dir;
  const std::string name = "d\xC3\xAFsk-\xE2\x82\xAC";  // "dïsk-€"
  ASSERT_TRUE(WriteFileAtomically(dir.path() + "/" + name, "x").ok());
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(PathFromUtf8(dir.path()))) {
    names.push_back(Utf8(entry.path().filename()));
  }
  EXPECT_EQ(names, std::vector<std::string>{name});
  EXPECT_EQ(Content(dir.path() + "/" + name), "x");
}

TEST(FileSystemTest, PathsLongerThanWindowsMaxPathWork) {
  TempDir dir;
  std::string path = dir.path();
  while (path.size() < 400) {
    path += "/" + std::string(60, 'n');
    ASSERT_TRUE(MakeDirectory(path).ok()) << path;
  }
  ASSERT_TRUE(WriteFileAtomically(path + "/state.json", "deep").ok());
  EXPECT_EQ(Content(path + "/state.json"), "deep");
  ASSERT_TRUE(RemoveFile(path + "/state.json").ok());
}

}  // namespace
}  // namespace hvr
