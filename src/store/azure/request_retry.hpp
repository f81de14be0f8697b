// Retrying one request of the Blob service (docs/transport.md "Retries"): which outcomes
// of a try are transient, which ones ask for less load, which ones may have been carried
// out by the service although the client never heard, and how long to wait before the
// next try. The loop itself is AzureStore::Exchange; this is the policy it follows, kept
// free of I/O so that it can be tested by itself.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/store_options.hpp"
#include "store/azure/http_transport.hpp"

namespace hvr::azure {

// What one try of a request came to, as far as retrying is concerned.
struct TryOutcome {
  bool transient = false;  // another try may succeed
  bool slow_down = false;  // the service asked for less load (503, 429, 500 OperationTimedOut)
  // The service may have carried the request out although its answer was lost (the
  // connection failed after the request left, or a 500/502/504): a later "already
  // exists" or "not found" may then be this very request's doing.
  bool may_have_executed = false;
  std::optional<std::chrono::milliseconds> retry_after;  // as the service asked
};

// `response` is a try's result; `request_left` whether any of the request was written to
// a connection before a transport failure.
TryOutcome ClassifyTry(const Result<HttpResponse>& response, bool request_left);

// The wait the service asks for: `x-ms-retry-after-ms` or `retry-after-ms` (milliseconds),
// else `Retry-After` (seconds or an HTTP date, measured from `now`).
std::optional<std::chrono::milliseconds> RetryAfter(const http::fields& headers, TimePoint now);

// The waits between the tries of one request: base_delay doubling up to max_delay, each
// scaled by a jitter factor in [0.8, 1.2) so that many clients failed by the same outage
// do not come back together; a Retry-After replaces the computed wait. No try starts past
// max_elapsed after the first, nor beyond max_attempts.
class RetryBackoff {
 public:
  explicit RetryBackoff(const RequestRetryOptions& options) : options_(options) {}

  // The wait before the next try, after `tries` tries of which the first started
  // `elapsed` ago; nullopt when no try is left. `unit_random` is uniform in [0, 1).
  std::optional<std::chrono::milliseconds> Next(int tries, std::chrono::milliseconds elapsed,
                                                std::optional<std::chrono::milliseconds> retry_after,
                                                double unit_random) const;

 private:
  RequestRetryOptions options_;
};

// Uniform in [0, 1), from a generator of the calling thread.
double UnitRandom();

}  // namespace hvr::azure
