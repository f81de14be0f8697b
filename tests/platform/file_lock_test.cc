#include "platform/file_lock.hpp"

#include <gtest/gtest.h>

#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

using Mode = FileLock::Mode;

bool Free(const std::string& path, Mode mode) {
  auto taken = FileLock::TryAcquire(path, mode);
  EXPECT_TRUE(taken.ok()) << taken.error().ToString();
  return taken.ok() && taken->has_value();
}

// Each lock opens the file itself, so locks of one process exclude each other as those
// of two processes do.
TEST(FileLockTest, AnExclusiveLockExcludesEveryOther) {
  TempDir dir;
  const std::string path = dir.path() + "/lock";
  auto held = FileLock::Acquire(path, Mode::kExclusive);
  ASSERT_TRUE(held.ok()) << held.error().ToString();
  EXPECT_FALSE(Free(path, Mode::kExclusive));
  EXPECT_FALSE(Free(path, Mode::kShared));
}

TEST(FileLockTest, SharedLocksShareAndExcludeExclusive) {
  TempDir dir;
  const std::string path = dir.path() + "/lock";
  auto first = FileLock::Acquire(path, Mode::kShared);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(Free(path, Mode::kShared));
  EXPECT_FALSE(Free(path, Mode::kExclusive));
}

TEST(FileLockTest, ALockEndsWithItsHolder) {
  TempDir dir;
  const std::string path = dir.path() + "/lock";
  {
    auto held = FileLock::Acquire(path, Mode::kExclusive);
    ASSERT_TRUE(held.ok());
  }
  EXPECT_TRUE(Free(path, Mode::kExclusive));
}

TEST(FileLockTest, AnOpenFileLockedForItsGuardStaysReadable) {
  TempDir dir;
  const std::string path = dir.path() + "/log";
  auto file = File::Open(path, File::Mode::kCreateExclusive);
  ASSERT_TRUE(file.ok());
  const uint8_t data[4] = {1, 2, 3, 4};
  ASSERT_TRUE(file->WriteAt(0, data).ok());
  {
    auto guard = FileLock::LockOpenFile(*file, Mode::kExclusive);
    ASSERT_TRUE(guard.ok()) << guard.error().ToString();
    EXPECT_FALSE(Free(path, Mode::kExclusive));
    // Others still read what it holds: the lock is advisory on every system.
    auto reader = File::Open(path, File::Mode::kRead);
    ASSERT_TRUE(reader.ok());
    uint8_t back[4] = {};
    ASSERT_TRUE(reader->ReadAt(0, back).ok());
    EXPECT_EQ(back[3], 4);
  }
  EXPECT_TRUE(Free(path, Mode::kExclusive));
}

}  // namespace
}  // namespace hvr
