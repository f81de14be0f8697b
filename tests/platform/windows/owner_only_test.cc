#include <gtest/gtest.h>

#include "platform/file_system.hpp"
#include "test_util/owner_only.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

TEST(OwnerOnlyTest, AFolderForTheOwnerOnlyGrantsTheOwnerAndSystemAlone) {
  if (const std::string reason = OwnerOnlyNotKept(); !reason.empty()) GTEST_SKIP() << reason;
  TempDir dir;
  const std::string folder = dir.File("state");
  ASSERT_TRUE(MakeDirectory(folder).ok());
  ASSERT_TRUE(RestrictToOwner(folder).ok());
  EXPECT_TRUE(IsOwnerOnly(folder));
}

TEST(OwnerOnlyTest, OwnerOnlyFilesGrantTheOwnerAndSystemAlone) {
  TempDir dir;
  // Written in a folder anyone may read: the file's own list is what keeps others out.
  const std::string path = dir.File("settings.json");
  ASSERT_TRUE(WriteFileAtomically(path, "one", FileAccess::kOwnerOnly).ok());
  const std::string other = dir.File("other");
  ASSERT_TRUE(WriteFileAtomically(other, "x").ok());
  ASSERT_TRUE(File::Open(other, File::Mode::kCreateOrTruncate, FileAccess::kOwnerOnly).ok());
  const std::string older = dir.File("older");
  EXPECT_TRUE(RestrictExistingFileToOwner(older).ok()) << "no file is no error";
  ASSERT_TRUE(WriteFileAtomically(older, "x").ok());
  ASSERT_TRUE(LetEveryoneRead(older));
  ASSERT_TRUE(RestrictExistingFileToOwner(older).ok());
  if (const std::string reason = OwnerOnlyNotKept(); !reason.empty()) {
    GTEST_SKIP() << reason << " (the calls above succeed)";
  }
  EXPECT_TRUE(IsOwnerOnly(path));
  EXPECT_TRUE(IsOwnerOnly(other));
  EXPECT_TRUE(IsOwnerOnly(older));
}

}  // namespace
}  // namespace hvr
