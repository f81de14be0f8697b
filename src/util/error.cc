#include "hvr/error.hpp"

#include <array>

namespace hvr {
namespace {

struct CodeInfo {
  std::string_view name;
  ErrorClass error_class;
};

// The one table of codes and their classes (docs/error-model.md). Indexed by the
// numeric value of Code; a static_assert below keeps it complete.
constexpr std::array<CodeInfo, kCodeCount> kCodes = {{
    {"ok", ErrorClass::kNone},
    {"invalid_argument", ErrorClass::kNonRecoverable},
    {"not_found", ErrorClass::kNonRecoverable},
    {"broken_chain", ErrorClass::kNonRecoverable},
    {"invalid_replica_state", ErrorClass::kNonRecoverable},
    {"auth_failed", ErrorClass::kNonRecoverable},
    {"corrupt_data", ErrorClass::kNonRecoverable},
    {"log_not_closed", ErrorClass::kResyncRequired},
    {"log_chain_gap", ErrorClass::kResyncRequired},
    {"untracked_modification", ErrorClass::kResyncRequired},
    {"network", ErrorClass::kRecoverable},
    {"timeout", ErrorClass::kRecoverable},
    {"throttled", ErrorClass::kRecoverable},
    {"low_disk_space", ErrorClass::kRecoverable},
    {"low_memory", ErrorClass::kRecoverable},
    // A cancelled operation broke nothing; the next scheduled run simply does it again.
    {"cancelled", ErrorClass::kRecoverable},
    // Another agent holds the lease. It may be a failing-over partner that lets go, so
    // the replica is not invalid; retrying is the safe course.
    {"conflict", ErrorClass::kRecoverable},
    // Local I/O (EIO, ENOSPC is low_disk_space): transient more often than not.
    {"io", ErrorClass::kRecoverable},
    {"unsupported", ErrorClass::kNonRecoverable},
    {"internal", ErrorClass::kNonRecoverable},
    {"resync_required", ErrorClass::kResyncRequired},
}};

static_assert(kCodes.size() == static_cast<size_t>(Code::kResyncRequired) + 1,
              "every Code needs a row in kCodes");

const CodeInfo* Find(Code code) {
  const int index = static_cast<int>(code);
  if (index < 0 || index >= kCodeCount) return nullptr;
  return &kCodes[static_cast<size_t>(index)];
}

}  // namespace

ErrorClass ClassOf(Code code) {
  const CodeInfo* info = Find(code);
  return info ? info->error_class : ErrorClass::kNonRecoverable;
}

std::string_view CodeName(Code code) {
  const CodeInfo* info = Find(code);
  return info ? info->name : std::string_view("unknown");
}

std::string Error::ToString() const {
  std::string out(CodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Error Error::WithContext(std::string_view context) const {
  std::string message(context);
  message += ": ";
  message += message_;
  return Error(code_, std::move(message));
}

}  // namespace hvr
