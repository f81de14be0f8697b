#include "util/range_set.hpp"

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


TEST(RangeListTest, AppendMergesTouchingRanges) {
  RangeList r;
  AppendRange(r, 0, 10);
  AppendRange(r, 10, 5);
  AppendRange(r, 20, 5);
  AppendRange(r, 22, 10);
  AppendRange(r, 40, 0);
  EXPECT_EQ(r, (RangeList{{0, 15}, {20, 12}}));
}

TEST(RangeListTest, UnionSubtractionAndClipping) {
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

TEST(RangePiecesTest, CutsAtMultiplesOfThePieceSize) {
  // An empty range, a range inside one piece, one crossing two boundaries, one ending on
  // a boundary, and an empty range at the end.
  const RangeList ranges = {{0, 0}, {10, 20}, {90, 150}, {300, 100}, {500, 0}};
  const RangePieces pieces(ranges, 100);
  std::vector<ByteRange> cut;
  for (uint64_t i = 0; i < pieces.count(); ++i) cut.push_back(pieces[i]);
  EXPECT_EQ(cut, (std::vector<ByteRange>{{10, 20}, {90, 10}, {100, 100}, {200, 40}, {300, 100}}));
  EXPECT_EQ(RangePieces({}, 100).count(), 0u);
}

}  // namespace
}  // namespace hvr
