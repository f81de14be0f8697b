// HVR_RETURN_IF_ERROR and HVR_ASSIGN_OR_RETURN for coroutines, which must co_return.
#pragma once

#include "hvr/error.hpp"

#define HVR_CO_RETURN_IF_ERROR(expr)                                 \
  do {                                                               \
    auto hvr_co_status_ = (expr);                                    \
    if (!hvr_co_status_.ok()) co_return std::move(hvr_co_status_).error(); \
  } while (0)

#define HVR_CO_ASSIGN_OR_RETURN(lhs, expr) \
  HVR_CO_ASSIGN_OR_RETURN_IMPL_(HVR_CONCAT_(hvr_co_result_, __LINE__), lhs, expr)
#define HVR_CO_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) co_return std::move(tmp).error();    \
  lhs = std::move(tmp).value()
