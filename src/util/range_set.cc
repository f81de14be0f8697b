#include "util/range_set.hpp"

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


RangeSet::RangeSet(const RangeList& ranges) {
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

RangeList RangeSet::Missing(uint64_t offset, uint64_t length) const {
  RangeList out;
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

RangeList RangeSet::Covered(uint64_t offset, uint64_t length) const {
  RangeList out;
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

RangeList RangeSet::Ranges(uint64_t limit) const {
  RangeList out;
  out.reserve(ends_.size());
  for (const auto& [start, end] : ends_) {
    if (start >= limit) break;
    out.push_back({start, std::min(end, limit) - start});
  }
  return out;
}

RangePieces::RangePieces(const RangeList& ranges, uint64_t piece_size)
    : ranges_(ranges), piece_size_(piece_size) {
  first_.reserve(ranges.size());
  for (const ByteRange& range : ranges) {
    first_.push_back(count_);
    if (range.length != 0) count_ += (range.end() - 1) / piece_size_ - range.offset / piece_size_ + 1;
  }
}

ByteRange RangePieces::operator[](uint64_t i) const {
  // The last range whose first piece is at most i; an empty range shares its number with
  // the next one, which upper_bound steps past.
  const auto after = std::upper_bound(first_.begin(), first_.end(), i);
  const size_t r = static_cast<size_t>(after - first_.begin()) - 1;
  const ByteRange& range = ranges_[r];
  const uint64_t boundary = (range.offset / piece_size_ + (i - first_[r])) * piece_size_;
  const uint64_t begin = std::max(boundary, range.offset);
  const uint64_t end = std::min(range.end(), boundary + piece_size_);
  return {begin, end - begin};
}

}  // namespace hvr
