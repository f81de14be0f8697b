#include <string>

#include "capi_internal.hpp"

namespace hvr::capi {
namespace {

thread_local std::string last_error_message;

Code CheckedCode(hvr_status status) {
  const int value = static_cast<int>(status);
  return (value >= 0 && value < kCodeCount) ? ToCode(status) : Code::kInternal;
}

}  // namespace

hvr_status Fail(const Error& error) {
  last_error_message = error.message();
  return ToStatus(error.code());
}

hvr_status Fail(hvr_status status, std::string message) {
  last_error_message = std::move(message);
  return status;
}

hvr_status RequireNonNull(const void* pointer, const char* function, const char* argument) {
  if (pointer != nullptr) return HVR_OK;
  return Fail(HVR_INVALID_ARGUMENT, std::string(function) + ": " + argument + " is NULL");
}

// The C and C++ codes are one list; these catch a value added to one and not the other.
static_assert(HVR_OK == static_cast<int>(Code::kOk));
static_assert(HVR_CORRUPT_DATA == static_cast<int>(Code::kCorruptData));
static_assert(HVR_CONFLICT == static_cast<int>(Code::kConflict));
static_assert(HVR_RESYNC_REQUIRED == static_cast<int>(Code::kResyncRequired));
static_assert(HVR_RESYNC_REQUIRED + 1 == kCodeCount);
static_assert(HVR_CLASS_RESYNC_REQUIRED == static_cast<int>(ErrorClass::kResyncRequired));

}  // namespace hvr::capi

using hvr::capi::CheckedCode;

extern "C" {

hvr_error_class hvr_status_class(hvr_status status) {
  const int value = static_cast<int>(status);
  if (value < 0 || value >= hvr::kCodeCount) return HVR_CLASS_NON_RECOVERABLE;
  return static_cast<hvr_error_class>(static_cast<int>(hvr::ClassOf(CheckedCode(status))));
}

int hvr_status_is_recoverable(hvr_status status) {
  return hvr_status_class(status) == HVR_CLASS_RECOVERABLE ? 1 : 0;
}

const char* hvr_status_name(hvr_status status) {
  const int value = static_cast<int>(status);
  if (value < 0 || value >= hvr::kCodeCount) return "unknown";
  // CodeName views static string literals, so data() is NUL-terminated.
  return hvr::CodeName(CheckedCode(status)).data();
}

const char* hvr_last_error_message(void) { return hvr::capi::last_error_message.c_str(); }

}  // extern "C"
