#include "disk/block_map.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "test_util/disk_tools.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

TEST(BlockMapTest, NextBitChangeFindsRunsAcrossWords) {
  std::vector<uint64_t> words = {0, 0};
  words[0] = ~uint64_t{0} << 60;  // bits 60..63
  words[1] = 0x3;                 // bits 64, 65
  EXPECT_EQ(NextBitChange(words, 0, 128, false), 60u);
  EXPECT_EQ(NextBitChange(words, 60, 128, true), 66u);
  EXPECT_EQ(NextBitChange(words, 66, 128, false), 128u);
  EXPECT_EQ(NextBitChange(words, 0, 50, false), 50u);  // limited
}

TEST(BlockMapTest, ReadsPresentPartialZeroAndParentData) {
  TempDir dir;
  // File: block 0 data at 0, block 2 data at 4096 (blocks of 4 sectors of 512 bytes).
  const std::vector<uint8_t> file_bytes = testing::PatternBytes(8192, 1);
  testing::WriteFileBytes(dir.File("f"), file_bytes);
  auto file = ImageFile::Open(dir.File("f"), File::Mode::kRead);
  ASSERT_TRUE(file.ok());
  BlockMap map(4 * 2048, 2048, 512);
  map.Set(0, BlockState::kPresent, 0);
  map.Set(1, BlockState::kZero, 0);
  map.Set(2, BlockState::kPartial, 4096);
  map.MarkSectors(2, 1, 2);  // sectors 1 and 2 of block 2 are here
  // block 3 absent

  std::vector<uint8_t> out(map.virtual_size());
  ASSERT_TRUE(ReadThroughMap(map, *file, nullptr, 0, out).ok());
  std::vector<uint8_t> expected(out.size(), 0);
  std::memcpy(expected.data(), file_bytes.data(), 2048);
  std::memcpy(expected.data() + 4096 + 512, file_bytes.data() + 4096 + 512, 1024);
  EXPECT_EQ(testing::FirstDifference(out, expected), "equal");

  EXPECT_EQ(map.OwnDataRanges(), (RangeList{{0, 2048}, {4096 + 512, 1024}}));
  EXPECT_EQ(map.ZeroRanges(), (RangeList{{2048, 2048}}));

  // An unaligned read inside the partial block crosses the sector runs.
  std::vector<uint8_t> part(700);
  ASSERT_TRUE(ReadThroughMap(map, *file, nullptr, 4096 + 300, part).ok());
  EXPECT_EQ(std::vector<uint8_t>(part.begin(), part.end()),
            std::vector<uint8_t>(expected.begin() + 4096 + 300, expected.begin() + 4096 + 1000));
}

TEST(BlockMapTest, FullyMarkedPartialBlockIsComplete) {
  BlockMap map(3000, 2048, 512);  // last block covers 952 bytes: 2 sectors
  map.Set(1, BlockState::kPartial, 4096);
  map.MarkSectors(1, 0, 1);
  EXPECT_FALSE(map.AllSectorsMarked(1));
  map.MarkSectors(1, 1, 1);
  EXPECT_TRUE(map.AllSectorsMarked(1));
}

}  // namespace
}  // namespace hvr
