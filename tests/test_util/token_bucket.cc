#include "test_util/token_bucket.hpp"

#include <algorithm>
#include <stdexcept>

namespace hvr {
namespace {

constexpr double kBurstSeconds = 0.1;
constexpr double kPageBytes = 4 << 20;

}  // namespace

TokenBucket::TokenBucket(double rate, double capacity, Clock::time_point now)
    : rate_(rate), capacity_(capacity), level_(capacity), updated_(now) {
  if (!(rate > 0) || !(capacity > 0)) throw std::invalid_argument("token bucket: rate and capacity must be positive");
}

void TokenBucket::Refill(Clock::time_point now) {
  if (now <= updated_) return;
  const double earned = std::chrono::duration<double>(now - updated_).count() * rate_;
  level_ = std::min(capacity_, level_ + earned);
  updated_ = now;
}

TokenBucket::Clock::duration TokenBucket::Book(double n, Clock::time_point now) {
  Refill(now);
  level_ -= n;
  if (level_ >= 0) return Clock::duration::zero();
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(-level_ / rate_));
}

bool TokenBucket::TryTake(double n, Clock::time_point now) {
  Refill(now);
  if (level_ < std::min(n, capacity_)) return false;
  level_ -= n;
  return true;
}

double TokenBucket::level(Clock::time_point now) {
  Refill(now);
  return level_;
}

BlobLimits::BlobLimits(double requests_per_second, double bytes_per_second)
    : requests_per_second_(requests_per_second), bytes_per_second_(bytes_per_second) {
  if (!(requests_per_second > 0) || !(bytes_per_second > 0)) {
    throw std::invalid_argument("blob limits: the request and byte rates must be positive");
  }
}

BlobLimits::Blob& BlobLimits::For(const std::string& blob, Clock::time_point now) {
  auto it = blobs_.find(blob);
  if (it == blobs_.end()) {
    const double requests = std::max(1.0, requests_per_second_ * kBurstSeconds);
    const double bytes = std::max(kPageBytes, bytes_per_second_ * kBurstSeconds);
    it = blobs_.emplace(blob, Blob{TokenBucket(requests_per_second_, requests, now),
                                   TokenBucket(bytes_per_second_, bytes, now)})
             .first;
  }
  return it->second;
}

bool BlobLimits::Admit(const std::string& blob, Clock::time_point now) {
  std::lock_guard lock(mu_);
  Blob& b = For(blob, now);
  // A refused request costs the blob nothing.
  if (b.bytes.level(now) < 0) return false;
  return b.requests.TryTake(1, now);
}

void BlobLimits::CountBytes(const std::string& blob, uint64_t bytes, Clock::time_point now) {
  std::lock_guard lock(mu_);
  For(blob, now).bytes.Book(static_cast<double>(bytes), now);
}

std::string BlobOfTarget(std::string_view target) {
  const size_t query = target.find('?');
  if (query != std::string_view::npos && target.find("restype=", query) != std::string_view::npos) return "";
  return std::string(target.substr(0, query));
}

}  // namespace hvr
