/* Cancellation tokens and library-allocated strings, from C. */
#include <string.h>

#include "check.h"

static void test_cancel_token(void) {
  hvr_cancel_token *token = NULL;
  CHECK(hvr_cancel_token_create(NULL) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_cancel_token_create(&token));
  CHECK(hvr_cancel_token_is_cancelled(token) == 0);
  hvr_cancel_token_cancel(token);
  CHECK(hvr_cancel_token_is_cancelled(token) == 1);
  hvr_cancel_token_cancel(token); /* cancelling twice is harmless */
  CHECK(hvr_cancel_token_is_cancelled(token) == 1);
  hvr_cancel_token_destroy(token);
  /* NULL is "never cancelled" and may be destroyed or cancelled. */
  CHECK(hvr_cancel_token_is_cancelled(NULL) == 0);
  hvr_cancel_token_cancel(NULL);
  hvr_cancel_token_destroy(NULL);
}

static void test_string_free(void) { hvr_string_free(NULL); }

int main(void) {
  test_cancel_token();
  test_string_free();
  printf("capi common: ok\n");
  return 0;
}
