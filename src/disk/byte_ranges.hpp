// Sorted, disjoint lists of ByteRange and the set operations disk readers need to report
// allocated ranges of a chain (a child's data, plus its parent's where the child does not
// mask it).
#pragma once

#include <cstdint>
#include <vector>

#include "hvr/disk.hpp"

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

}  // namespace hvr
