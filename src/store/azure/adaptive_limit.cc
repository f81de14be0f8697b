#include "store/azure/adaptive_limit.hpp"

#include <algorithm>

namespace hvr::azure {

AdaptiveLimit::AdaptiveLimit(int maximum) : maximum_(std::max(1, maximum)), limit_(maximum_) {}

int AdaptiveLimit::limit() const {
  std::lock_guard lock(mu_);
  return limit_;
}

uint64_t AdaptiveLimit::epoch() const {
  std::lock_guard lock(mu_);
  return epoch_;
}

std::optional<int> AdaptiveLimit::OnBusy(uint64_t epoch) {
  std::lock_guard lock(mu_);
  if (epoch != epoch_) return std::nullopt;
  ++epoch_;
  successes_ = 0;
  if (limit_ == 1) return std::nullopt;
  limit_ /= 2;
  return limit_;
}

std::optional<int> AdaptiveLimit::OnSuccess() {
  std::lock_guard lock(mu_);
  if (limit_ >= maximum_ || ++successes_ < limit_) return std::nullopt;
  successes_ = 0;
  return ++limit_;
}

}  // namespace hvr::azure
