/* A minimal check macro for the C tests: prints where and why, then fails the program. */
#ifndef HVR_TESTS_CAPI_CHECK_H_
#define HVR_TESTS_CAPI_CHECK_H_

#include <stdio.h>
#include <stdlib.h>

#include "hvr.h"

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

/* Checks that a call returned HVR_OK, printing the library's message if not. */
#define CHECK_OK(call)                                                           \
  do {                                                                           \
    hvr_status check_status_ = (call);                                           \
    if (check_status_ != HVR_OK) {                                               \
      fprintf(stderr, "%s:%d: %s returned %s: %s\n", __FILE__, __LINE__, #call,   \
              hvr_status_name(check_status_), hvr_last_error_message());         \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

#endif /* HVR_TESTS_CAPI_CHECK_H_ */
