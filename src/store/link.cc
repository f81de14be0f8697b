#include "hvr/link.hpp"

#include <algorithm>
#include <string>

namespace hvr {

Status LinkModel::Validate() const {
  if (bytes_per_second < kMinBytesPerSecond || bytes_per_second > kMaxBytesPerSecond) {
    return Error(Code::kInvalidArgument, "link bandwidth must be " + std::to_string(kMinBytesPerSecond) + " to " +
                                             std::to_string(kMaxBytesPerSecond) +
                                             " bytes a second (1 Mbit/s to 100 Gbit/s), not " +
                                             std::to_string(bytes_per_second));
  }
  return ValidateRequestsPerSecond(requests_per_second, "link requests a second per disk");
}

Status LinkModel::ValidateRequestsPerSecond(uint32_t requests_per_second, std::string_view name) {
  if (requests_per_second < 1 || requests_per_second > kMaxRequestsPerSecond) {
    return Error(Code::kInvalidArgument, std::string(name) + " must be 1 to " +
                                             std::to_string(kMaxRequestsPerSecond) + ", not " +
                                             std::to_string(requests_per_second));
  }
  return Ok();
}

uint64_t LinkModel::JoinGap(uint64_t limit_bytes_per_second) const {
  uint64_t bandwidth = std::min(bytes_per_second, kBlobBytesPerSecond);
  if (limit_bytes_per_second > 0) bandwidth = std::min(bandwidth, limit_bytes_per_second);
  return bandwidth / std::max<uint32_t>(requests_per_second, 1);
}

}  // namespace hvr
