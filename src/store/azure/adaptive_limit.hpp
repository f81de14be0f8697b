// How many requests a store lets in flight, adapted to what the service says: Azure
// answers 503 ServerBusy or 500 OperationTimedOut when a blob or account is past its
// targets, and asks clients to back off. The limit shrinks by half on such an answer and
// grows back by one after a limit's worth of successes (additive increase, multiplicative
// decrease, as TCP's congestion control), never above the configured maximum nor below 1.
//
// Requests sent before the last decrease were sent at the old rate: their busy answers
// say nothing new, so they do not shrink the limit again. Each request therefore carries
// the epoch it started in. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

namespace hvr::azure {

class AdaptiveLimit {
 public:
  explicit AdaptiveLimit(int maximum);

  int limit() const;
  int maximum() const { return maximum_; }
  // The epoch to hand to OnBusy/OnSuccess for a request that starts now.
  uint64_t epoch() const;

  // After a request that started in `epoch` was told to slow down: the new limit, when
  // it changed.
  std::optional<int> OnBusy(uint64_t epoch);
  // After a request succeeded: the new limit, when it changed.
  std::optional<int> OnSuccess();

 private:
  const int maximum_;
  mutable std::mutex mu_;
  int limit_;
  int successes_ = 0;  // since the limit last changed
  uint64_t epoch_ = 0;
};

}  // namespace hvr::azure
