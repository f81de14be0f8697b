// GoogleTest assertions for hvr::Result and hvr::Status that print the error on failure.
#pragma once

#include <gtest/gtest.h>

#define HVR_TEST_CONCAT_INNER_(a, b) a##b
#define HVR_TEST_CONCAT_(a, b) HVR_TEST_CONCAT_INNER_(a, b)

#define ASSERT_OK(expr)                                                     \
  do {                                                                      \
    const auto& hvr_assert_ = (expr);                                       \
    ASSERT_TRUE(hvr_assert_.ok()) << #expr << ": " << hvr_assert_.error().ToString(); \
  } while (0)

#define EXPECT_OK(expr)                                                     \
  do {                                                                      \
    const auto& hvr_expect_ = (expr);                                       \
    EXPECT_TRUE(hvr_expect_.ok()) << #expr << ": " << hvr_expect_.error().ToString(); \
  } while (0)

// ASSERT_OK_AND_ASSIGN(auto value, Function()): the value of a Result, or a failure.
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(HVR_TEST_CONCAT_(hvr_result_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr)                        \
  auto tmp = (expr);                                                      \
  ASSERT_TRUE(tmp.ok()) << #expr << ": " << tmp.error().ToString();       \
  lhs = std::move(tmp).value()

// The error code of a failed Result (kOk when it succeeded).
template <typename R>
hvr::Code CodeOf(const R& result) {
  return result.ok() ? hvr::Code::kOk : result.error().code();
}
