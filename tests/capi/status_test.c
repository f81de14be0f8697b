#include <string.h>

#include "check.h"

static void test_classes(void) {
  CHECK(hvr_status_class(HVR_OK) == HVR_CLASS_NONE);
  CHECK(hvr_status_class(HVR_BROKEN_CHAIN) == HVR_CLASS_NON_RECOVERABLE);
  CHECK(hvr_status_class(HVR_AUTH_FAILED) == HVR_CLASS_NON_RECOVERABLE);
  CHECK(hvr_status_class(HVR_THROTTLED) == HVR_CLASS_RECOVERABLE);
  CHECK(hvr_status_class(HVR_LOG_CHAIN_GAP) == HVR_CLASS_RESYNC_REQUIRED);
  CHECK(hvr_status_is_recoverable(HVR_NETWORK) == 1);
  CHECK(hvr_status_is_recoverable(HVR_INVALID_REPLICA_STATE) == 0);
  /* Values from a newer library are treated as non-recoverable, never crash. */
  CHECK(hvr_status_class((hvr_status)1000) == HVR_CLASS_NON_RECOVERABLE);
}

static void test_names(void) {
  CHECK(strcmp(hvr_status_name(HVR_OK), "ok") == 0);
  CHECK(strcmp(hvr_status_name(HVR_CONFLICT), "conflict") == 0);
  CHECK(strcmp(hvr_status_name(HVR_RESYNC_REQUIRED), "resync_required") == 0);
  CHECK(strcmp(hvr_status_name((hvr_status)1000), "unknown") == 0);
}

static void test_version(void) {
  CHECK(hvr_version() != NULL);
  CHECK(strchr(hvr_version(), '.') != NULL);
  CHECK(hvr_abi_version() >= 0);
}

static void test_last_error(void) {
  hvr_retry_policy *policy = NULL;
  CHECK(hvr_retry_policy_create(NULL) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "out is NULL") != NULL);
  CHECK_OK(hvr_retry_policy_create(&policy));
  hvr_retry_policy_destroy(policy);
  hvr_retry_policy_destroy(NULL); /* destroy accepts NULL */
}

int main(void) {
  test_classes();
  test_names();
  test_version();
  test_last_error();
  printf("capi status: ok\n");
  return 0;
}
