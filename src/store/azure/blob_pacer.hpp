// Spaces the requests a store sends to each blob at the rate one blob takes. Azure's
// target for a page blob is 500 requests a second, and past it the service answers 503
// ServerBusy; the adaptive limit (adaptive_limit.hpp) learns a rate from those answers,
// but only by overshooting it, and each refused request waits for its retry. A store
// that is told the target keeps under it from the first request, and the busy answers
// left are the service's own (docs/transport.md, "Pacing").
//
// Each blob has a next free start; a request takes it and moves it on by 1 / rate.
// Time a blob was idle earns nothing, so requests never leave in a burst. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace hvr::azure {

class BlobPacer {
 public:
  using Clock = std::chrono::steady_clock;

  // `requests_per_second` at least 1 (StoreOptions::Validate checks it).
  explicit BlobPacer(uint32_t requests_per_second);

  // When a request to `blob`, asked for at `now`, may start: `now` or later. The start
  // is taken whether or not the request goes.
  Clock::time_point Reserve(const std::string& blob, Clock::time_point now);

 private:
  // Blobs whose next start has passed are forgotten once this many are kept: they start
  // again at once anyway, so only a store that addresses many blobs pays a sweep.
  static constexpr size_t kSweepAbove = 256;

  const Clock::duration spacing_;
  std::mutex mu_;
  std::map<std::string, Clock::time_point> next_start_;
};

}  // namespace hvr::azure
