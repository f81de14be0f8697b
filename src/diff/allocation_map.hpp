// Which parts of a disk hold data, so that reads skip what reads as zeros anyway.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hvr/disk.hpp"
#include "hvr/error.hpp"

namespace hvr {

class AllocationMap {
 public:
  // Everything in [0, size) allocated: for content that must be read in any case.
  static AllocationMap Everything(uint64_t size);
  // The disk's AllocatedRanges(), clipped to its virtual size and merged.
  static Result<AllocationMap> Of(const DiskReader& disk);

  // True when some byte of `range` may hold data.
  bool AnyAllocated(const ByteRange& range) const;

  // Reads `range` of `disk` into `out` (range.length bytes): allocated parts from the
  // disk, everything else zero-filled without reading.
  Status Read(const DiskReader& disk, const ByteRange& range, std::span<uint8_t> out) const;

 private:
  explicit AllocationMap(std::vector<ByteRange> ranges) : ranges_(std::move(ranges)) {}
  // The first range that ends after `offset`.
  std::vector<ByteRange>::const_iterator FirstEndingAfter(uint64_t offset) const;

  std::vector<ByteRange> ranges_;  // sorted, disjoint, non-adjacent, non-empty
};

}  // namespace hvr
