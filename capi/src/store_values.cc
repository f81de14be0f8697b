#include "store_values.hpp"

#include <string>

#include "capi_internal.hpp"
#include "util/hex.hpp"

namespace hvr::capi {

hvr_status RetryOptionsFrom(int max_attempts, int64_t base_delay_ms, int64_t max_delay_ms, int64_t max_elapsed_ms,
                            const char* function, RequestRetryOptions* out) {
  RequestRetryOptions retry;
  retry.max_attempts = max_attempts;
  retry.base_delay = std::chrono::milliseconds(base_delay_ms);
  retry.max_delay = std::chrono::milliseconds(max_delay_ms);
  retry.max_elapsed = std::chrono::milliseconds(max_elapsed_ms);
  HVR_CAPI_CHECK(CheckValid(ValidateRequestRetryOptions(retry), function));
  *out = retry;
  return HVR_OK;
}

hvr_status WorkHoursFrom(int start_minute, int end_minute, unsigned days, const char* function, WorkHours* out) {
  constexpr unsigned kEveryDay = 0x7f;
  if ((days & ~kEveryDay) != 0) {
    return Fail(HVR_INVALID_ARGUMENT, std::string(function) + ": days " + Hex32(days) +
                                          " has bits above bit 6 (Saturday); bit 0 is Sunday");
  }
  out->start = std::chrono::minutes(start_minute);
  out->end = std::chrono::minutes(end_minute);
  for (size_t day = 0; day < 7; ++day) out->days[day] = ((days >> day) & 1u) != 0;
  return HVR_OK;
}

hvr_status BandwidthFrom(uint64_t work_bytes_per_second, uint64_t non_work_bytes_per_second, int work_start_minute,
                         int work_end_minute, unsigned work_days, const char* function, BandwidthSchedule* out) {
  BandwidthSchedule schedule;
  schedule.work_bytes_per_second = work_bytes_per_second;
  schedule.non_work_bytes_per_second = non_work_bytes_per_second;
  HVR_CAPI_CHECK(WorkHoursFrom(work_start_minute, work_end_minute, work_days, function, &schedule.work_hours));
  if (Status valid = schedule.Validate(); !valid.ok()) return Fail(valid.error().WithContext(function));
  *out = schedule;
  return HVR_OK;
}

hvr_status LinkFrom(uint64_t bytes_per_second, uint32_t requests_per_second, const char* function, LinkModel* out) {
  LinkModel link;
  if (bytes_per_second != 0) link.bytes_per_second = bytes_per_second;
  if (requests_per_second != 0) link.requests_per_second = requests_per_second;
  if (Status valid = link.Validate(); !valid.ok()) return Fail(valid.error().WithContext(function));
  *out = link;
  return HVR_OK;
}

hvr_status CopyStoreStatistics(const StoreStatistics& stats, hvr_store_statistics* out, const char* function) {
  hvr_store_statistics full{};
  full.requests = stats.requests;
  full.retries = stats.retries;
  full.throttled = stats.throttled;
  full.network_failures = stats.network_failures;
  full.failed_requests = stats.failed_requests;
  full.in_flight_limit = stats.in_flight_limit;
  full.max_in_flight = stats.max_in_flight;
  return CopyOut(full, out, function);
}

}  // namespace hvr::capi
