/* The retry policy from C, to the minute (docs/retry-policy.md). */
#include <string.h>

#include "check.h"

static const int64_t kT0 = 1700000000;

/* Simulates failing attempts, each at the time the policy asks for. */
static void expect_schedule(const hvr_retry_policy *policy, int64_t interval,
                            const int64_t *expected_minutes, int count) {
  int64_t last = kT0;
  int n;
  for (n = 0; n < count; ++n) {
    hvr_retry_action action;
    int64_t when = 0;
    CHECK_OK(hvr_retry_policy_next_attempt(policy, kT0, last, n, HVR_NETWORK, interval, &action,
                                           &when));
    CHECK(action == HVR_RETRY_AT);
    if (when - kT0 != expected_minutes[n] * 60) {
      fprintf(stderr, "retry %d at +%lld s, expected +%lld min\n", n, (long long)(when - kT0),
              (long long)expected_minutes[n]);
      exit(1);
    }
    last = when;
  }
}

int main(void) {
  hvr_retry_policy *policy = NULL;
  hvr_retry_policy *custom = NULL;
  hvr_retry_action action;
  int64_t when = -1;
  const int64_t every_30s[] = {1, 2, 4, 8, 10, 40, 70, 100};
  const int64_t every_5m[] = {5, 10, 15, 20, 25, 40, 70};
  const int64_t backoff[] = {60, 180};
  const int64_t custom_30s[] = {1, 3, 13, 23};
  const int64_t bad[] = {180, 60};

  CHECK_OK(hvr_retry_policy_create(&policy));
  expect_schedule(policy, 30, every_30s, 8);
  expect_schedule(policy, 300, every_5m, 7);

  CHECK_OK(hvr_retry_policy_next_attempt(policy, kT0, kT0, 0, HVR_BROKEN_CHAIN, 30, &action, &when));
  CHECK(action == HVR_RETRY_GIVE_UP);
  CHECK_OK(hvr_retry_policy_next_attempt(policy, kT0, kT0, 0, HVR_LOG_NOT_CLOSED, 30, &action, &when));
  CHECK(action == HVR_RETRY_RESYNC);

  CHECK(hvr_retry_policy_next_attempt(policy, kT0, kT0, 0, HVR_NETWORK, 0, &action, &when) ==
        HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "interval_seconds") != NULL);
  CHECK(hvr_retry_policy_next_attempt(policy, kT0, kT0, 0, HVR_OK, 30, &action, &when) ==
        HVR_INVALID_ARGUMENT);
  CHECK(hvr_retry_policy_next_attempt(policy, kT0, INT64_MAX, 0, HVR_NETWORK, 30, &action, &when) ==
        HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "2200") != NULL);

  CHECK_OK(hvr_retry_policy_create_custom(backoff, 2, 600, &custom));
  expect_schedule(custom, 30, custom_30s, 4);
  CHECK(hvr_retry_policy_create_custom(bad, 2, 600, &custom) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "backoff[1]") != NULL);

  {
    int64_t offsets[8] = {0};
    int64_t steady = 0;
    size_t count = 0;
    CHECK_OK(hvr_retry_policy_get_schedule(policy, NULL, 0, &count, &steady));
    CHECK(count == 5 && steady == 1800);
    CHECK_OK(hvr_retry_policy_get_schedule(policy, offsets, 3, &count, &steady));
    CHECK(count == 5 && offsets[0] == 60 && offsets[2] == 240 && offsets[3] == 0); /* only 3 written */
    CHECK_OK(hvr_retry_policy_get_schedule(custom, offsets, 8, &count, &steady));
    CHECK(count == 2 && offsets[0] == 60 && offsets[1] == 180 && steady == 600);
    CHECK(hvr_retry_policy_get_schedule(policy, NULL, 2, &count, &steady) == HVR_INVALID_ARGUMENT);
  }

  hvr_retry_policy_destroy(custom);
  hvr_retry_policy_destroy(policy);
  printf("capi retry: ok\n");
  return 0;
}
