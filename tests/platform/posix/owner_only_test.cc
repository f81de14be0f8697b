#include <gtest/gtest.h>
#include <sys/stat.h>

#include "platform/file_system.hpp"
#include "util/file.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

TEST(OwnerOnlyTest, AFolderForTheOwnerOnlyIsMode0700) {
  TempDir dir;
  const std::string folder = dir.path() + "/state";
  ASSERT_TRUE(MakeDirectory(folder).ok());
  ASSERT_TRUE(RestrictToOwner(folder).ok());
  struct stat st {};
  ASSERT_EQ(::stat(folder.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST(OwnerOnlyTest, OwnerOnlyFilesAreNeverReadableByOthers) {
  TempDir dir;
  const mode_t saved = ::umask(022);
  const std::string path = dir.path() + "/settings.json";
  ASSERT_TRUE(WriteFileAtomically(path, "one", FileAccess::kOwnerOnly).ok());
  EXPECT_EQ(PermissionsOf(path), 0600u);
  // A temporary a crash left readable by others is emptied and made owner-only before
  // the content goes in; so is a file opened to be truncated.
  ASSERT_TRUE(WriteFileAtomically(path + ".tmp", "stale").ok());
  ASSERT_EQ(PermissionsOf(path + ".tmp"), 0644u);
  ASSERT_TRUE(WriteFileAtomically(path, "two", FileAccess::kOwnerOnly).ok());
  EXPECT_EQ(PermissionsOf(path), 0600u);
  const std::string other = dir.path() + "/other";
  ASSERT_TRUE(WriteFileAtomically(other, "x").ok());
  EXPECT_EQ(PermissionsOf(other), 0644u) << "shared files keep the usual mode";
  ASSERT_TRUE(File::Open(other, File::Mode::kCreateOrTruncate, FileAccess::kOwnerOnly).ok());
  EXPECT_EQ(PermissionsOf(other), 0600u);
  ::umask(saved);
}

TEST(OwnerOnlyTest, AFileOthersMayReadIsMadeTheOwnersAlone) {
  TempDir dir;
  const std::string path = dir.path() + "/settings.json";
  EXPECT_TRUE(RestrictExistingFileToOwner(path).ok()) << "no file is no error";
  ASSERT_TRUE(WriteFileAtomically(path, "secret").ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(RestrictExistingFileToOwner(path).ok());
  EXPECT_EQ(PermissionsOf(path), 0600u);
}

}  // namespace
}  // namespace hvr
