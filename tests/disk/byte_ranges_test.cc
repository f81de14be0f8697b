#include "disk/byte_ranges.hpp"

#include <gtest/gtest.h>

namespace hvr {
namespace {

TEST(ByteRangesTest, AppendMergesTouchingRanges) {
  RangeList r;
  AppendRange(r, 0, 10);
  AppendRange(r, 10, 5);
  AppendRange(r, 20, 5);
  AppendRange(r, 22, 10);
  AppendRange(r, 40, 0);
  EXPECT_EQ(r, (RangeList{{0, 15}, {20, 12}}));
}

TEST(ByteRangesTest, UnionSubtractionAndClipping) {
  const RangeList a = {{0, 10}, {20, 10}, {50, 5}};
  const RangeList b = {{5, 20}, {40, 12}};
  EXPECT_EQ(UniteRanges(a, b), (RangeList{{0, 30}, {40, 15}}));
  EXPECT_EQ(SubtractRanges(a, b), (RangeList{{0, 5}, {25, 5}, {52, 3}}));
  EXPECT_EQ(SubtractRanges(b, a), (RangeList{{10, 10}, {40, 10}}));
  EXPECT_EQ(ClipRanges(a, 25), (RangeList{{0, 10}, {20, 5}}));
  EXPECT_EQ(TotalLength(a), 25u);
  EXPECT_EQ(SubtractRanges(a, {}), a);
  EXPECT_EQ(UniteRanges({}, a), a);
}

}  // namespace
}  // namespace hvr
