// Sets of byte positions, in the two shapes the layers need, with one set of rules: ranges
// are half-open, sorted and disjoint, and touching ranges merge.
// - A RangeList (a sorted vector) is what readers produce in order and combine in linear
//   passes: a disk chain's allocated ranges, a replica's changed ranges.
// - A RangeSet takes additions in any order: what an undo log already holds, what a store
//   has filled, the ranges a resync must cover.
// RangePieces cuts a RangeList into aligned pieces for the worker pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "hvr/byte_range.hpp"

namespace hvr {

using RangeList = std::vector<ByteRange>;

// Appends [offset, offset + length), merging with the last range when they touch. Ranges
// must be appended in ascending order.
void AppendRange(RangeList& ranges, uint64_t offset, uint64_t length);

// Union of two sorted, disjoint lists.
RangeList UniteRanges(const RangeList& a, const RangeList& b);

// The parts of `a` not covered by `b` (both sorted and disjoint).
RangeList SubtractRanges(const RangeList& a, const RangeList& b);

// The parts of `ranges` below `limit`.
RangeList ClipRanges(const RangeList& ranges, uint64_t limit);

uint64_t TotalLength(const RangeList& ranges);

// Not thread-safe.
class RangeSet {
 public:
  RangeSet() = default;
  // Any order, overlaps allowed.
  explicit RangeSet(const RangeList& ranges);

  // Adds [offset, offset + length); touching or overlapping ranges merge.
  void Add(uint64_t offset, uint64_t length);
  void Add(const ByteRange& range) { Add(range.offset, range.length); }
  void Add(const RangeSet& other);

  // The parts of [offset, offset + length) not in the set, in order.
  RangeList Missing(uint64_t offset, uint64_t length) const;
  // The parts of [offset, offset + length) in the set, in order.
  RangeList Covered(uint64_t offset, uint64_t length) const;

  // The ranges, sorted; with `limit`, cut at that position.
  RangeList Ranges(uint64_t limit = UINT64_MAX) const;

  bool empty() const { return ends_.empty(); }
  size_t size() const { return ends_.size(); }

 private:
  std::map<uint64_t, uint64_t> ends_;  // start -> end
};

// The pieces of a sorted, disjoint RangeList cut at multiples of `piece_size`, numbered in
// order, so that workers can take them by number and every piece lines up with the
// blocks of a disk. Piece i is found by a binary search over each range's first piece
// number: a list of the pieces themselves would take 128 MiB for a whole 2 TiB disk at
// 256 KiB. Keeps a reference to `ranges`.
class RangePieces {
 public:
  RangePieces(const RangeList& ranges, uint64_t piece_size);

  uint64_t count() const { return count_; }
  // Piece `i` < count().
  ByteRange operator[](uint64_t i) const;

 private:
  const RangeList& ranges_;
  const uint64_t piece_size_;
  std::vector<uint64_t> first_;  // the number of each range's first piece
  uint64_t count_ = 0;
};

}  // namespace hvr
