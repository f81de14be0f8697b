// The arithmetic of the shaping proxy's limits (fault_proxy.hpp, Options::shaping), free
// of sockets and sleeps so that it can be tested against a clock the test moves: a token
// bucket, and the per-blob targets of the Blob service built from two of them.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace hvr {

// Tokens earned at `rate` a second up to `capacity`. Booking may take more than the
// bucket holds: the debt is what the taker waits for, so a sender that books each piece
// before it sends it keeps to the rate on average, whatever the pieces' sizes.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts full. `rate` and `capacity` must be positive.
  TokenBucket(double rate, double capacity, Clock::time_point now);

  // Takes `n` tokens; how long until the bucket is out of debt again (zero if it is not
  // in debt).
  Clock::duration Book(double n, Clock::time_point now);
  // Takes `n` tokens if the bucket holds them (or is full, for `n` beyond its capacity);
  // false and nothing taken otherwise.
  bool TryTake(double n, Clock::time_point now);
  double level(Clock::time_point now);

 private:
  void Refill(Clock::time_point now);

  const double rate_;
  const double capacity_;
  double level_;
  Clock::time_point updated_;
};

// The Blob service's scalability targets for one blob, as a front end enforcing them:
// a request is admitted when it begins if the blob's request bucket holds a request and
// its byte bucket is not in debt (the blob's bytes have not been moving faster than its
// target), and answered 503 ServerBusy otherwise. Bytes count in both directions as they
// move, so requests in flight together share the target instead of each needing it whole.
// Each bucket holds a tenth of a second of its rate (at least one request and one 4 MiB
// page), so bursts are short, as a partition server's are. Thread-safe.
class BlobLimits {
 public:
  using Clock = TokenBucket::Clock;

  BlobLimits(double requests_per_second, double bytes_per_second);

  // Admits a request to `blob` as it begins, counting it.
  bool Admit(const std::string& blob, Clock::time_point now);
  // Counts body bytes of a request to or a response from `blob` as they move.
  void CountBytes(const std::string& blob, uint64_t bytes, Clock::time_point now);

 private:
  struct Blob {
    TokenBucket requests;
    TokenBucket bytes;
  };
  Blob& For(const std::string& blob, Clock::time_point now);

  const double requests_per_second_;
  const double bytes_per_second_;
  std::mutex mu_;
  std::map<std::string, Blob> blobs_;
};

// The blob a request addresses, or "" when it addresses none (an account or container
// operation, `restype=` in its query): its path without the query.
std::string BlobOfTarget(std::string_view target);

}  // namespace hvr
