#include "platform/file.hpp"

#include <gtest/gtest.h>

#include "hvr/clock.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

using test::kMiB;

TEST(PlatformFileTest, OpenOrCreateKeepsWhatIsThere) {
  TempDir dir;
  const std::string path = dir.path() + "/f";
  {
    auto created = File::Open(path, File::Mode::kOpenOrCreate);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    const uint8_t data[3] = {7, 8, 9};
    ASSERT_TRUE(created->WriteAt(0, data).ok());
  }
  auto again = File::Open(path, File::Mode::kOpenOrCreate);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again->Size(), 3u);
  auto exclusive = File::Open(path, File::Mode::kCreateExclusive);
  ASSERT_FALSE(exclusive.ok());
  EXPECT_EQ(exclusive.error().code(), Code::kConflict);
}

TEST(PlatformFileTest, AFileBeingWrittenCanBeReadMeanwhile) {
  // Hyper-V keeps the disks and logs it writes open; hvr reads them all the same.
  TempDir dir;
  const std::string path = dir.path() + "/held";
  auto writer = File::Open(path, File::Mode::kCreateExclusive);
  ASSERT_TRUE(writer.ok());
  const uint8_t data[2] = {5, 6};
  ASSERT_TRUE(writer->WriteAt(10, data).ok());
  auto reader = File::Open(path, File::Mode::kRead);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  uint8_t back[2] = {};
  ASSERT_TRUE(reader->ReadAt(10, back).ok());
  EXPECT_EQ(back[1], 6);
  auto second_writer = File::Open(path, File::Mode::kReadWrite);
  EXPECT_TRUE(second_writer.ok());
}

TEST(PlatformFileTest, ReserveGrowsTheFileAsZeros) {
  TempDir dir;
  auto file = File::Open(dir.path() + "/reserved", File::Mode::kCreateExclusive);
  ASSERT_TRUE(file.ok());
  const Status reserved = file->Reserve(2 * kMiB);
  ASSERT_TRUE(reserved.ok()) << reserved.error().ToString();
  EXPECT_EQ(*file->Size(), 2 * kMiB);
  ASSERT_TRUE(file->Reserve(kMiB).ok());  // never shrinks
  EXPECT_EQ(*file->Size(), 2 * kMiB);
  std::vector<uint8_t> back(4096, 1);
  ASSERT_TRUE(file->ReadAt(2 * kMiB - 4096, back).ok());
  EXPECT_EQ(back, std::vector<uint8_t>(4096, 0));
}

TEST(PlatformFileTest, DataRangesWithinABoundAreClipped) {
  TempDir dir;
  auto file = File::Open(dir.path() + "/sparse", File::Mode::kCreateExclusive);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->Truncate(8 * kMiB).ok());
  ASSERT_TRUE(file->WriteAt(4 * kMiB, std::vector<uint8_t>(kMiB, 0xab)).ok());
  auto ranges = file->DataRanges(4 * kMiB + 4096, 4 * kMiB + 8192);
  ASSERT_TRUE(ranges.ok()) << ranges.error().ToString();
  ASSERT_EQ(ranges->size(), 1u);
  EXPECT_EQ((*ranges)[0].first, 4 * kMiB + 4096);
  EXPECT_EQ((*ranges)[0].second, 4096u);
  auto empty = file->DataRanges(kMiB, kMiB);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(PlatformFileTest, ModifiedTimeIsWhenTheFileWasWritten) {
  TempDir dir;
  const TimePoint before = SystemClock::Instance().Now() - std::chrono::seconds(2);
  auto file = File::Open(dir.path() + "/f", File::Mode::kCreateExclusive);
  ASSERT_TRUE(file.ok());
  const uint8_t data[1] = {1};
  ASSERT_TRUE(file->WriteAt(0, data).ok());
  ASSERT_TRUE(file->SyncAll().ok());
  auto modified = file->ModifiedTime();
  ASSERT_TRUE(modified.ok());
  EXPECT_GE(*modified, before);
  EXPECT_LE(*modified, SystemClock::Instance().Now() + std::chrono::seconds(2));
}

}  // namespace
}  // namespace hvr
