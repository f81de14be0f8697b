#include "diff/allocation_map.hpp"

#include <algorithm>
#include <cstring>

namespace hvr {

AllocationMap AllocationMap::Everything(uint64_t size) {
  std::vector<ByteRange> ranges;
  if (size > 0) ranges.push_back({0, size});
  return AllocationMap(std::move(ranges));
}

Result<AllocationMap> AllocationMap::Of(const DiskReader& disk) {
  HVR_ASSIGN_OR_RETURN(std::vector<ByteRange> reported, disk.AllocatedRanges());
  const uint64_t size = disk.info().virtual_size;
  // Readers promise sorted, disjoint ranges; sorting and merging again is cheap and
  // means a reader that breaks the promise costs reads, never missed data.
  std::sort(reported.begin(), reported.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  std::vector<ByteRange> ranges;
  for (ByteRange r : reported) {
    if (r.offset >= size || r.length == 0) continue;
    r.length = std::min(r.length, size - r.offset);
    if (!ranges.empty() && r.offset <= ranges.back().end()) {
      ranges.back().length = std::max(ranges.back().end(), r.end()) - ranges.back().offset;
    } else {
      ranges.push_back(r);
    }
  }
  return AllocationMap(std::move(ranges));
}

std::vector<ByteRange>::const_iterator AllocationMap::FirstEndingAfter(uint64_t offset) const {
  return std::upper_bound(ranges_.begin(), ranges_.end(), offset,
                          [](uint64_t value, const ByteRange& r) { return value < r.end(); });
}

bool AllocationMap::AnyAllocated(const ByteRange& range) const {
  if (range.length == 0) return false;
  const auto it = FirstEndingAfter(range.offset);
  return it != ranges_.end() && it->offset < range.end();
}

Status AllocationMap::Read(const DiskReader& disk, const ByteRange& range,
                           std::span<uint8_t> out) const {
  uint64_t pos = range.offset;
  for (auto it = FirstEndingAfter(range.offset); it != ranges_.end() && it->offset < range.end();
       ++it) {
    const uint64_t begin = std::max(it->offset, range.offset);
    const uint64_t end = std::min(it->end(), range.end());
    if (begin > pos) std::memset(out.data() + (pos - range.offset), 0, begin - pos);
    HVR_RETURN_IF_ERROR(disk.Read(begin, out.subspan(begin - range.offset, end - begin)));
    pos = end;
  }
  if (pos < range.end()) std::memset(out.data() + (pos - range.offset), 0, range.end() - pos);
  return Ok();
}

}  // namespace hvr
