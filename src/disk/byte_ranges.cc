#include "disk/byte_ranges.hpp"

#include <algorithm>

namespace hvr {

void AppendRange(RangeList& ranges, uint64_t offset, uint64_t length) {
  if (length == 0) return;
  if (!ranges.empty() && ranges.back().end() >= offset) {
    ranges.back().length = std::max(ranges.back().end(), offset + length) - ranges.back().offset;
    return;
  }
  ranges.push_back({offset, length});
}

RangeList UniteRanges(const RangeList& a, const RangeList& b) {
  RangeList out;
  out.reserve(a.size() + b.size());
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() || j < b.size()) {
    const bool take_a = j == b.size() || (i < a.size() && a[i].offset <= b[j].offset);
    const ByteRange& r = take_a ? a[i++] : b[j++];
    AppendRange(out, r.offset, r.length);
  }
  return out;
}

RangeList SubtractRanges(const RangeList& a, const RangeList& b) {
  RangeList out;
  size_t j = 0;
  for (const ByteRange& r : a) {
    uint64_t start = r.offset;
    const uint64_t end = r.end();
    while (j < b.size() && b[j].end() <= start) ++j;
    for (size_t k = j; k < b.size() && b[k].offset < end; ++k) {
      if (b[k].offset > start) AppendRange(out, start, b[k].offset - start);
      start = std::max(start, b[k].end());
    }
    if (start < end) AppendRange(out, start, end - start);
  }
  return out;
}

RangeList ClipRanges(const RangeList& ranges, uint64_t limit) {
  RangeList out;
  for (const ByteRange& r : ranges) {
    if (r.offset >= limit) break;
    out.push_back({r.offset, std::min(r.end(), limit) - r.offset});
  }
  return out;
}

uint64_t TotalLength(const RangeList& ranges) {
  uint64_t total = 0;
  for (const ByteRange& r : ranges) total += r.length;
  return total;
}

}  // namespace hvr
