# Fails when a function that capi/hvr.symbols exports is not checked by null_args_test.c:
# every one must appear there in EXPECT_NULL (refuses NULL by name), ACCEPTS_NULL (a
# documented no-op) or TAKES_NO_POINTER.
#   cmake -DSYMBOLS=capi/hvr.symbols -DTEST_SOURCE=tests/capi/null_args_test.c -P null_args_coverage.cmake
file(STRINGS "${SYMBOLS}" symbols REGEX "^hvr_")
file(READ "${TEST_SOURCE}" source)
set(missing "")
foreach(symbol IN LISTS symbols)
  if(NOT source MATCHES "(EXPECT_NULL|ACCEPTS_NULL)\\((CHECK\\()?${symbol}\\(" AND
     NOT source MATCHES "TAKES_NO_POINTER\\(${symbol}\\)")
    list(APPEND missing "${symbol}")
  endif()
endforeach()
if(missing)
  list(JOIN missing "\n  " text)
  message(FATAL_ERROR "${TEST_SOURCE} does not check these functions of ${SYMBOLS}:\n  ${text}")
endif()
list(LENGTH symbols count)
message(STATUS "null_args_test.c checks all ${count} functions of ${SYMBOLS}")
