// The time stamp VHD footers and Hyper-V Replica Log headers share: seconds since
// 2000-01-01 00:00:00 UTC in 32 bits, saturating at both ends.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "hvr/clock.hpp"

namespace hvr {

// 2000-01-01 00:00:00 UTC in Unix seconds.
inline constexpr int64_t kVhdEpochUnixSeconds = 946684800;

inline uint32_t VhdTimestamp(TimePoint t) {
  const int64_t unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return static_cast<uint32_t>(std::clamp<int64_t>(unix_seconds - kVhdEpochUnixSeconds, 0, UINT32_MAX));
}

}  // namespace hvr
