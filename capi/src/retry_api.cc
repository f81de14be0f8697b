#include <algorithm>
#include <chrono>
#include <vector>

#include "capi_internal.hpp"
#include "hvr/retry.hpp"

struct hvr_retry_policy {
  hvr::RetryPolicy policy;
};

namespace {

using hvr::capi::Fail;
using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

}  // namespace

extern "C" {

hvr_status hvr_retry_policy_create(hvr_retry_policy** out) {
  return hvr::capi::CreateHandle(__func__, out, hvr::RetryPolicy());
}

hvr_status hvr_retry_policy_create_custom(const int64_t* backoff_seconds, size_t count,
                                          int64_t steady_interval_seconds,
                                          hvr_retry_policy** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    if (count > 0) HVR_CAPI_CHECK(RequireNonNull(backoff_seconds, __func__, "backoff_seconds"));
    hvr::RetrySchedule schedule;
    schedule.backoff.clear();
    for (size_t i = 0; i < count; ++i) schedule.backoff.emplace_back(backoff_seconds[i]);
    schedule.steady_interval = std::chrono::seconds(steady_interval_seconds);
    auto policy = hvr::RetryPolicy::Create(std::move(schedule));
    if (!policy) return Fail(policy.error());
    return hvr::capi::NewHandle(out, std::move(policy).value());
  });
}

void hvr_retry_policy_destroy(hvr_retry_policy* policy) { delete policy; }

hvr_status hvr_retry_policy_next_attempt(const hvr_retry_policy* policy, int64_t first_failure,
                                         int64_t last_attempt, int retries,
                                         hvr_status last_error, int64_t interval_seconds,
                                         hvr_retry_action* out_action, int64_t* out_when) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(policy, __func__, "policy"));
    HVR_CAPI_CHECK(RequireNonNull(out_action, __func__, "out_action"));
    HVR_CAPI_CHECK(RequireNonNull(out_when, __func__, "out_when"));
    HVR_CAPI_CHECK(hvr::capi::CheckValid(hvr::RetryPolicy::ValidateInterval(std::chrono::seconds(interval_seconds)),
                                         std::string(__func__) + ": interval_seconds"));
    // 1970 to 2200 leaves room for the policy's longest wait within the clock's range.
    constexpr int64_t kYear2200 = 7258118400;
    if (first_failure < 0 || first_failure > kYear2200 || last_attempt < 0 || last_attempt > kYear2200) {
      return Fail(HVR_INVALID_ARGUMENT,
                  "hvr_retry_policy_next_attempt: first_failure and last_attempt must lie between 1970 and 2200");
    }
    if (static_cast<int>(last_error) < 0 || static_cast<int>(last_error) >= hvr::kCodeCount) {
      return Fail(HVR_INVALID_ARGUMENT, "hvr_retry_policy_next_attempt: last_error is not a status");
    }
    const hvr::FailureHistory history{*hvr::FromUnixSeconds(first_failure), *hvr::FromUnixSeconds(last_attempt),
                                      retries, hvr::Error(hvr::capi::ToCode(last_error), {})};
    HVR_CAPI_CHECK(hvr::capi::CheckOptions(history, __func__));
    const hvr::RetryDecision decision =
        policy->policy.Next(history, std::chrono::seconds(interval_seconds));
    switch (decision.action) {
      case hvr::RetryAction::kRetry:
        *out_action = HVR_RETRY_AT;
        *out_when = hvr::ToUnixSeconds(decision.at);
        break;
      case hvr::RetryAction::kGiveUp:
        *out_action = HVR_RETRY_GIVE_UP;
        *out_when = 0;
        break;
      case hvr::RetryAction::kResync:
        *out_action = HVR_RETRY_RESYNC;
        *out_when = 0;
        break;
    }
    return HVR_OK;
  });
}

hvr_status hvr_retry_policy_get_schedule(const hvr_retry_policy* policy, int64_t* backoff_seconds,
                                         size_t capacity, size_t* out_count,
                                         int64_t* out_steady_interval_seconds) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(policy, __func__, "policy"));
    if (capacity > 0) HVR_CAPI_CHECK(RequireNonNull(backoff_seconds, __func__, "backoff_seconds"));
    HVR_CAPI_CHECK(RequireNonNull(out_count, __func__, "out_count"));
    HVR_CAPI_CHECK(RequireNonNull(out_steady_interval_seconds, __func__, "out_steady_interval_seconds"));
    const hvr::RetrySchedule& schedule = policy->policy.schedule();
    for (size_t i = 0; i < std::min(capacity, schedule.backoff.size()); ++i) {
      backoff_seconds[i] = schedule.backoff[i].count();
    }
    *out_count = schedule.backoff.size();
    *out_steady_interval_seconds = schedule.steady_interval.count();
    return HVR_OK;
  });
}

}  // extern "C"
