#include "store/azure/blob_pacer.hpp"

#include <algorithm>

namespace hvr::azure {

BlobPacer::BlobPacer(uint32_t requests_per_second)
    : spacing_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
          1.0 / std::max<uint32_t>(requests_per_second, 1)))) {}

BlobPacer::Clock::time_point BlobPacer::Reserve(const std::string& blob, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (next_start_.size() > kSweepAbove) {
    std::erase_if(next_start_, [now](const auto& entry) { return entry.second <= now; });
  }
  Clock::time_point& next = next_start_[blob];
  const Clock::time_point start = std::max(next, now);
  next = start + spacing_;
  return start;
}

}  // namespace hvr::azure
