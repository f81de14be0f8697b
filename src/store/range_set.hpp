// A set of byte positions kept as sorted, disjoint, non-adjacent half-open ranges. The
// stores use it for allocated ranges, changed ranges and what an undo log already holds.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "hvr/byte_range.hpp"

namespace hvr {

class RangeSet {
 public:
  RangeSet() = default;
  explicit RangeSet(const std::vector<ByteRange>& ranges);

  // Adds [offset, offset + length); touching or overlapping ranges merge.
  void Add(uint64_t offset, uint64_t length);
  void Add(const ByteRange& range) { Add(range.offset, range.length); }
  void Add(const RangeSet& other);

  // The parts of [offset, offset + length) not in the set, in order.
  std::vector<ByteRange> Missing(uint64_t offset, uint64_t length) const;
  // The parts of [offset, offset + length) in the set, in order.
  std::vector<ByteRange> Covered(uint64_t offset, uint64_t length) const;

  // The ranges, sorted; with `limit`, cut at that position.
  std::vector<ByteRange> Ranges(uint64_t limit = UINT64_MAX) const;

  bool empty() const { return ends_.empty(); }
  size_t size() const { return ends_.size(); }

 private:
  std::map<uint64_t, uint64_t> ends_;  // start -> end
};

}  // namespace hvr
