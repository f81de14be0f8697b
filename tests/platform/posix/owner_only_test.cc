#include <gtest/gtest.h>
#include <sys/stat.h>

#include "platform/file_system.hpp"
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

}  // namespace
}  // namespace hvr
