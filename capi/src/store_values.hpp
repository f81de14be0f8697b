// Store values the C ABI takes and gives in more than one place: request retries from
// their C arguments, and statistics into their C struct.
#pragma once

#include <cstdint>

#include "hvr.h"
#include "hvr/store.hpp"

namespace hvr::capi {

// Fills *out from the C arguments of the *_set_retries calls, validated by
// ValidateRequestRetryOptions; the failure names `function`.
hvr_status RetryOptionsFrom(int max_attempts, int64_t base_delay_ms, int64_t max_delay_ms, int64_t max_elapsed_ms,
                            const char* function, RequestRetryOptions* out);

// Copies `stats` into the caller's growing struct.
hvr_status CopyStoreStatistics(const StoreStatistics& stats, hvr_store_statistics* out, const char* function);

}  // namespace hvr::capi
