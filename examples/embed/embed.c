/* embed.c: the smallest C program using libhvr.
 *
 * Usage: embed WORK_DIR
 *
 * Today it shows the library's version and asks the retry policy when a failing VM is
 * tried again; it grows with the C ABI into protect, replicate and fail over.
 */
#include <stdio.h>

#include "hvr.h"

static int fail(const char *what, hvr_status status) {
  fprintf(stderr, "%s: %s: %s\n", what, hvr_status_name(status), hvr_last_error_message());
  return 1;
}

int main(int argc, char **argv) {
  hvr_retry_policy *policy = NULL;
  hvr_retry_action action;
  int64_t when = 0;
  const int64_t failed_at = 1700000000;
  hvr_status status;

  (void)argc;
  (void)argv;
  printf("hvr %s (ABI %d)\n", hvr_version(), hvr_abi_version());

  status = hvr_retry_policy_create(&policy);
  if (status != HVR_OK) return fail("hvr_retry_policy_create", status);
  status = hvr_retry_policy_next_attempt(policy, failed_at, failed_at, 0, HVR_THROTTLED, 30,
                                         &action, &when);
  hvr_retry_policy_destroy(policy);
  if (status != HVR_OK) return fail("hvr_retry_policy_next_attempt", status);
  printf("throttled at t0: retry at t0+%llds\n", (long long)(when - failed_at));
  return 0;
}
