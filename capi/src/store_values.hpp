// Store values the C ABI takes and gives in more than one place: request retries, work
// hours, bandwidth schedules and link models from their C arguments, and statistics into their C struct.
#pragma once

#include <cstdint>

#include "hvr.h"
#include "hvr/link.hpp"
#include "hvr/store.hpp"

namespace hvr::capi {

// Fills *out from the C arguments of the *_set_retries calls, validated by
// ValidateRequestRetryOptions; the failure names `function`.
hvr_status RetryOptionsFrom(int max_attempts, int64_t base_delay_ms, int64_t max_delay_ms, int64_t max_elapsed_ms,
                            const char* function, RequestRetryOptions* out);

// The work hours of the bandwidth and resync calls: [start_minute, end_minute) of the local
// day on the days whose bit is set in `days` (bit 0 Sunday ... bit 6 Saturday). A bit
// above Saturday is refused, naming `function`; the hours are checked by their owner's
// Validate.
hvr_status WorkHoursFrom(int start_minute, int end_minute, unsigned days, const char* function, WorkHours* out);

// The bandwidth schedule of the *_set_bandwidth calls: the rates, and the work hours as
// WorkHoursFrom reads them; the schedule's own Validate checks it, the failure naming
// `function`.
hvr_status BandwidthFrom(uint64_t work_bytes_per_second, uint64_t non_work_bytes_per_second, int work_start_minute,
                         int work_end_minute, unsigned work_days, const char* function, BandwidthSchedule* out);

// The link model of the *_set_link calls: a rate of 0 takes LinkModel's default, the rest
// is checked by LinkModel::Validate, the failure naming `function`.
hvr_status LinkFrom(uint64_t bytes_per_second, uint32_t requests_per_second, const char* function, LinkModel* out);

// Copies `stats` into the caller's growing struct.
hvr_status CopyStoreStatistics(const StoreStatistics& stats, hvr_store_statistics* out, const char* function);

}  // namespace hvr::capi
