#include "store/range_set.hpp"

#include <algorithm>

namespace hvr {

RangeSet::RangeSet(const std::vector<ByteRange>& ranges) {
  for (const auto& r : ranges) Add(r);
}

void RangeSet::Add(uint64_t offset, uint64_t length) {
  if (length == 0) return;
  uint64_t start = offset;
  uint64_t end = offset + length;
  // The first range that could touch [start, end) is the one before upper_bound(start).
  auto it = ends_.upper_bound(start);
  if (it != ends_.begin()) {
    auto prev = std::prev(it);
    if (prev->second >= start) it = prev;
  }
  while (it != ends_.end() && it->first <= end) {
    start = std::min(start, it->first);
    end = std::max(end, it->second);
    it = ends_.erase(it);
  }
  ends_.emplace(start, end);
}

void RangeSet::Add(const RangeSet& other) {
  for (const auto& [start, end] : other.ends_) Add(start, end - start);
}

std::vector<ByteRange> RangeSet::Missing(uint64_t offset, uint64_t length) const {
  std::vector<ByteRange> out;
  uint64_t pos = offset;
  const uint64_t end = offset + length;
  auto it = ends_.upper_bound(offset);
  if (it != ends_.begin()) --it;
  for (; it != ends_.end() && it->first < end && pos < end; ++it) {
    if (it->second <= pos) continue;
    if (it->first > pos) out.push_back({pos, it->first - pos});
    pos = std::max(pos, it->second);
  }
  if (pos < end) out.push_back({pos, end - pos});
  return out;
}

std::vector<ByteRange> RangeSet::Covered(uint64_t offset, uint64_t length) const {
  std::vector<ByteRange> out;
  const uint64_t end = offset + length;
  auto it = ends_.upper_bound(offset);
  if (it != ends_.begin()) --it;
  for (; it != ends_.end() && it->first < end; ++it) {
    const uint64_t s = std::max(offset, it->first);
    const uint64_t e = std::min(end, it->second);
    if (s < e) out.push_back({s, e - s});
  }
  return out;
}

std::vector<ByteRange> RangeSet::Ranges(uint64_t limit) const {
  std::vector<ByteRange> out;
  out.reserve(ends_.size());
  for (const auto& [start, end] : ends_) {
    if (start >= limit) break;
    out.push_back({start, std::min(end, limit) - start});
  }
  return out;
}

}  // namespace hvr
