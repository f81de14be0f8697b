#include "store/range_set.hpp"

#include <gtest/gtest.h>

namespace hvr {
namespace {

TEST(RangeSetTest, AddMergesTouchingAndOverlapping) {
  RangeSet set;
  set.Add(100, 50);
  set.Add(150, 10);  // touches
  set.Add(300, 10);
  set.Add(120, 100);  // overlaps the first, reaches 220
  EXPECT_EQ(set.Ranges(), (std::vector<ByteRange>{{100, 120}, {300, 10}}));
  set.Add(0, 1000);
  EXPECT_EQ(set.Ranges(), (std::vector<ByteRange>{{0, 1000}}));
  set.Add(5, 0);
  EXPECT_EQ(set.size(), 1u);
}

TEST(RangeSetTest, MissingAndCovered) {
  RangeSet set({{10, 10}, {40, 10}});
  EXPECT_EQ(set.Missing(0, 60), (std::vector<ByteRange>{{0, 10}, {20, 20}, {50, 10}}));
  EXPECT_EQ(set.Covered(0, 60), (std::vector<ByteRange>{{10, 10}, {40, 10}}));
  EXPECT_EQ(set.Missing(12, 5), std::vector<ByteRange>{});
  EXPECT_EQ(set.Covered(15, 30), (std::vector<ByteRange>{{15, 5}, {40, 5}}));
  EXPECT_EQ(set.Missing(45, 10), (std::vector<ByteRange>{{50, 5}}));
}

TEST(RangeSetTest, RangesCutAtALimit) {
  RangeSet set({{0, 512}, {1024, 2048}, {4096, 512}});
  EXPECT_EQ(set.Ranges(2048), (std::vector<ByteRange>{{0, 512}, {1024, 1024}}));
}

}  // namespace
}  // namespace hvr
