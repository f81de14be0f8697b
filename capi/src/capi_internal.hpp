// Shared plumbing of the C ABI: turning hvr::Error and C++ exceptions into hvr_status and
// the thread-local error message. Every exported function body runs inside Guard().
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "hvr.h"
#include "hvr/cancel.hpp"
#include "hvr/error.hpp"
#include "hvr/progress.hpp"
#include "util/catch_all.hpp"

// Propagates a failed hvr_status from inside a Guard body.
#define HVR_CAPI_CHECK(expr)              \
  do {                                    \
    const hvr_status hvr_capi_s_ = (expr); \
    if (hvr_capi_s_ != HVR_OK) return hvr_capi_s_; \
  } while (0)

struct hvr_cancel_token {
  hvr::CancelToken token;
};

namespace hvr::capi {

// The C++ token behind a C token; NULL stays NULL ("never cancelled").
inline const CancelToken* TokenOf(const hvr_cancel_token* token) {
  return token ? &token->token : nullptr;
}

// A C progress callback as the C++ calls take it; NULL stays empty ("no progress").
inline ProgressFn ProgressOf(hvr_progress_fn progress, void* user_data) {
  if (progress == nullptr) return {};
  return [progress, user_data](uint64_t done, uint64_t total) { progress(user_data, done, total); };
}

// What a long call's options carry through <options>_set_progress and
// <options>_set_cancel_token (hvr.h, "Cancellation and progress"): empty, neither.
struct ProgressAndCancel {
  hvr_progress_fn progress = nullptr;
  void* progress_user_data = nullptr;
  hvr_cancel_token* cancel = nullptr;

  ProgressFn Progress() const { return ProgressOf(progress, progress_user_data); }
  const CancelToken* Token() const { return TokenOf(cancel); }
};

// The controls of `options` (a handle with a `controls` member), or none for NULL options.
template <typename Options>
ProgressAndCancel ControlsOf(const Options* options) {
  return options ? options->controls : ProgressAndCancel{};
}

// A copy of `text` the caller frees with hvr_string_free().
char* CopyString(std::string_view text);

// Records the message for hvr_last_error_message() and returns the matching status.
hvr_status Fail(const Error& error);
hvr_status Fail(hvr_status status, std::string message);

inline hvr_status ToStatus(Code code) { return static_cast<hvr_status>(static_cast<int>(code)); }
inline Code ToCode(hvr_status status) { return static_cast<Code>(static_cast<int>(status)); }

// The one way a call checks a value it is given: the C++ rule's own result, whose
// message the failure carries after `context` (the function, and the argument where the
// rule does not name it). No call keeps a range of its own.
inline hvr_status CheckValid(const Status& valid, std::string_view context) {
  return valid.ok() ? HVR_OK : Fail(valid.error().WithContext(context));
}

// A setter checks what it sets by the options type's own Validate().
template <typename Options>
hvr_status CheckOptions(const Options& changed, const char* function) {
  return CheckValid(changed.Validate(), function);
}

// Returns Fail(...) for a NULL pointer argument, naming it, else HVR_OK.
hvr_status RequireNonNull(const void* pointer, const char* function, const char* argument);

// Fails unless `index` is within a list of `count` `items` (e.g. "logs"), naming both.
inline hvr_status RequireIndex(size_t index, size_t count, const char* function, const char* items) {
  if (index < count) return HVR_OK;
  return Fail(HVR_INVALID_ARGUMENT, std::string(function) + ": index " + std::to_string(index) + " is beyond the " +
                                        std::to_string(count) + " " + items);
}

// Growing structs (hvr.h): the caller sets struct_size to the size it was built with.
// RequireStructSize fails when it is not set; CopyOutGrowing writes the fields of `full`
// that fit in the caller's size and leaves struct_size as the caller set it, so a program
// built against an older header never sees bytes written past its struct.
template <typename Struct>
hvr_status RequireStructSize(const Struct* out, const char* function, const char* argument) {
  if (out->struct_size >= sizeof(size_t)) return HVR_OK;
  return Fail(HVR_INVALID_ARGUMENT, std::string(function) + ": " + argument + "->struct_size is " +
                                       std::to_string(out->struct_size) +
                                       ", under any version of the struct: start it from its HVR_..._INIT");
}

template <typename Struct>
void CopyOutGrowing(Struct full, Struct* out) {
  full.struct_size = out->struct_size;
  std::memcpy(static_cast<void*>(out), &full, std::min(out->struct_size, sizeof(Struct)));
}

// Both at once, for a struct that is only an output.
template <typename Struct>
hvr_status CopyOut(const Struct& full, Struct* out, const char* function, const char* argument = "out") {
  HVR_CAPI_CHECK(RequireStructSize(out, function, argument));
  CopyOutGrowing(full, out);
  return HVR_OK;
}

// Runs `body` (returning hvr_status) so that no exception escapes into C.
template <typename Body>
hvr_status Guard(const char* function, Body&& body) noexcept {
  try {
    return std::forward<Body>(body)();
  } catch (...) {
    return Fail(CurrentExceptionAsError(function));
  }
}


// A new handle in *out, made from `args` (inside a Guard body, `out` already checked): the
// last step of every call that makes a handle, so *out is written only on success.
template <typename Handle, typename... Args>
hvr_status NewHandle(Handle** out, Args&&... args) {
  *out = new Handle{std::forward<Args>(args)...};
  return HVR_OK;
}

// The whole body of a `_create(T **out)` that has nothing to check but `out`.
template <typename Handle, typename... Args>
hvr_status CreateHandle(const char* function, Handle** out, Args&&... args) {
  return Guard(function, [&] {
    HVR_CAPI_CHECK(RequireNonNull(out, function, "out"));
    return NewHandle(out, std::forward<Args>(args)...);
  });
}

// The two setters every long call's options have: the whole bodies of
// <options>_set_progress and <options>_set_cancel_token (NULL removes either).
template <typename Options>
hvr_status SetProgress(const char* function, Options* options, hvr_progress_fn fn, void* user_data) {
  return Guard(function, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, function, "options"));
    options->controls.progress = fn;
    options->controls.progress_user_data = user_data;
    return HVR_OK;
  });
}

template <typename Options>
hvr_status SetCancelToken(const char* function, Options* options, hvr_cancel_token* token) {
  return Guard(function, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, function, "options"));
    options->controls.cancel = token;
    return HVR_OK;
  });
}

}  // namespace hvr::capi
