#include "store/local/pending_writes.hpp"

#include <algorithm>
#include <cstring>

namespace hvr {

bool PendingWrites::Overlaps(uint64_t offset, uint64_t length) const {
  auto it = writes_.lower_bound(offset);
  if (it != writes_.end() && it->first < offset + length) return true;
  if (it == writes_.begin()) return false;
  --it;
  return it->first + it->second.size() > offset;
}

void PendingWrites::Add(uint64_t offset, std::span<const uint8_t> data) {
  writes_.emplace(offset, std::vector<uint8_t>(data.begin(), data.end()));
  bytes_ += data.size();
}

void PendingWrites::Overlay(uint64_t offset, std::span<uint8_t> out) const {
  const uint64_t end = offset + out.size();
  auto it = writes_.upper_bound(offset);
  if (it != writes_.begin()) --it;
  for (; it != writes_.end() && it->first < end; ++it) {
    const uint64_t from = std::max(offset, it->first);
    const uint64_t to = std::min(end, it->first + it->second.size());
    if (from >= to) continue;
    std::memcpy(out.data() + (from - offset), it->second.data() + (from - it->first),
                static_cast<size_t>(to - from));
  }
}

std::vector<ByteRange> PendingWrites::Ranges() const {
  std::vector<ByteRange> ranges;
  ranges.reserve(writes_.size());
  for (const auto& [offset, data] : writes_) ranges.push_back({offset, data.size()});
  return ranges;
}

Status PendingWrites::ForEach(const std::function<Status(uint64_t, std::span<const uint8_t>)>& apply) const {
  for (const auto& [offset, data] : writes_) HVR_RETURN_IF_ERROR(apply(offset, data));
  return Ok();
}

void PendingWrites::Clear() {
  writes_.clear();
  bytes_ = 0;
}

}  // namespace hvr
