// Raw images: sparse writing (zero blocks become holes).
#include <gtest/gtest.h>

#include <cstring>

#include "hvr/disk.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"
#include "platform/os_name.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

using test::kMiB;

TEST(RawDiskTest, ZeroDataBecomesHoles) {
  TempDir dir;
  const std::string path = dir.File("d.raw");
  ASSERT_TRUE(CreateRaw(path, 8 * kMiB).ok());
  std::vector<uint8_t> model(8 * kMiB, 0);
  auto writer = OpenDiskForWrite(path);
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->info().format, DiskFormat::kRaw);
  // 4 MiB of data, then 2 MiB of zeros written over its middle: those become a hole.
  const auto data = testing::PatternBytes(4 * kMiB, 1);
  ASSERT_TRUE((*writer)->Write(kMiB, data).ok());
  std::memcpy(model.data() + kMiB, data.data(), data.size());
  std::vector<uint8_t> zeros(2 * kMiB, 0);
  zeros[100] = 1;  // one non-zero byte keeps its 4 KiB granule
  ASSERT_TRUE((*writer)->Write(2 * kMiB, zeros).ok());
  std::memcpy(model.data() + 2 * kMiB, zeros.data(), zeros.size());
  ASSERT_TRUE((*writer)->WriteZeros(5 * kMiB - 4096, 4096).ok());
  std::fill(model.begin() + 5 * kMiB - 4096, model.begin() + 5 * kMiB, 0);
  ASSERT_TRUE((*writer)->Close().ok());

  auto disk = OpenDisk(path);
  ASSERT_TRUE(disk.ok());
  EXPECT_EQ(testing::FirstDifference(testing::ReadWholeDisk(**disk), model), "equal");
  auto ranges = (*disk)->AllocatedRanges();
  ASSERT_TRUE(ranges.ok());
  EXPECT_TRUE(testing::RangesCoverNonZero(*ranges, model));
  if (RunningUnderWine()) GTEST_SKIP() << "Wine reports every byte of a file as allocated (docs/windows.md)";
  const uint64_t allocated = [&] {
    uint64_t n = 0;
    for (const auto& r : *ranges) n += r.length;
    return n;
  }();
  EXPECT_LE(allocated, 2 * kMiB + 3 * 4096 + 64 * 1024) << "zero data was written, not punched";
}

}  // namespace
}  // namespace hvr
