// Errors: one type for every failure in hvr, carrying a code, a message and a class.
//
// The class says what the replication engine does about a failure
// (docs/error-model.md):
//   - Recoverable:    retried by the retry policy (network, throttling, low disk space...).
//   - NonRecoverable: never retried; the VM becomes Critical until an administrator acts.
//   - ResyncRequired: change tracking can no longer be trusted (unclosed log, chain gap,
//                     untracked modification); the VM is marked for resynchronization.
//
// Every fallible function returns hvr::Result<T> (hvr::Status when there is no value).
// hvr does not throw across its API; see docs/error-model.md for why.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace hvr {

// The numeric values are part of the C ABI (hvr_status in hvr.h): never renumber.
enum class Code : int {
  kOk = 0,
  kInvalidArgument = 1,
  kNotFound = 2,
  kBrokenChain = 3,
  kInvalidReplicaState = 4,
  kAuthFailed = 5,
  kCorruptData = 6,
  kLogNotClosed = 7,
  kLogChainGap = 8,
  kUntrackedModification = 9,
  kNetwork = 10,
  kTimeout = 11,
  kThrottled = 12,
  kLowDiskSpace = 13,
  kLowMemory = 14,
  kCancelled = 15,
  kConflict = 16,
  kIo = 17,
  kUnsupported = 18,
  kInternal = 19,
  kResyncRequired = 20,
};

// One past the largest code; used to size tables and to validate values from C.
inline constexpr int kCodeCount = 21;

enum class ErrorClass : int {
  kNone = 0,  // only for kOk
  kRecoverable = 1,
  kNonRecoverable = 2,
  kResyncRequired = 3,
};

// The class of each code; the one table lives in src/util/error.cc.
ErrorClass ClassOf(Code code);

// A stable lower-case identifier for a code ("broken_chain"), used in JSON and logs.
std::string_view CodeName(Code code);

// GCC 12 can lose track of which alternative a moved std::variant holds and then warns
// that this class's members, read by its implicit copy and move, "may be used
// uninitialized" (seen for Result<DiskProperties> passed through an Asio handler). Every
// constructor sets both members, so the warning is silenced here, for this class only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
class Error {
 public:
  Error(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code() const { return code_; }
  ErrorClass error_class() const { return ClassOf(code_); }
  bool recoverable() const { return error_class() == ErrorClass::kRecoverable; }
  const std::string& message() const { return message_; }

  // "code_name: message", the form used in logs and CLI output.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with "context: ", for adding the file or
  // operation at the layer that knows it.
  Error WithContext(std::string_view context) const;

 private:
  Code code_;
  std::string message_;
};
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// A value or an error. Small by design: construction from either, checked access,
// and nothing else; call sites stay explicit about failure.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success or an error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_{Code::kOk, {}};
  bool ok_ = true;
};

using Status = Result<void>;

inline Status Ok() { return {}; }

// `status`, with kNotFound taken for success: for deleting what may be gone already, as
// when the deletions of an interrupted attempt are repeated.
inline Status UnlessNotFound(Status status) {
  if (!status.ok() && status.error().code() == Code::kNotFound) return Ok();
  return status;
}

}  // namespace hvr

// Propagates a failed Result from the enclosing function. Used where a call's value is
// not needed; `expr` is evaluated once. The temporary is named after the line, so a
// lambda inside `expr` may use the macro too.
#define HVR_RETURN_IF_ERROR(expr) HVR_RETURN_IF_ERROR_IMPL_(HVR_CONCAT_(hvr_status_, __LINE__), expr)
#define HVR_RETURN_IF_ERROR_IMPL_(tmp, expr)         \
  do {                                               \
    auto tmp = (expr);                               \
    if (!tmp.ok()) return std::move(tmp).error();    \
  } while (0)

// Declares `lhs` from the value of a Result, or propagates its error:
//   HVR_ASSIGN_OR_RETURN(auto reader, HrlReader::Open(path));
#define HVR_ASSIGN_OR_RETURN(lhs, expr) \
  HVR_ASSIGN_OR_RETURN_IMPL_(HVR_CONCAT_(hvr_result_, __LINE__), lhs, expr)
#define HVR_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)   \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).error();      \
  lhs = std::move(tmp).value()
#define HVR_CONCAT_(a, b) HVR_CONCAT_INNER_(a, b)
#define HVR_CONCAT_INNER_(a, b) a##b
