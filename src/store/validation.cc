#include "store/validation.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "util/align.hpp"
#include "util/ascii.hpp"

namespace hvr {
namespace {

constexpr size_t kMaxDiskName = 128;
constexpr size_t kMaxMetadataKey = 64;
constexpr size_t kMaxMetadataBytes = 8 * 1024;

Error Invalid(std::string message) { return Error(Code::kInvalidArgument, std::move(message)); }

}  // namespace

Status ValidateMaxInFlight(int requests) {
  if (requests >= 1 && requests <= kMaxInFlight) return Ok();
  return Invalid("requests in flight must be 1 to " + std::to_string(kMaxInFlight) + ", not " +
                 std::to_string(requests));
}

Status StoreOptions::Validate() const {
  HVR_RETURN_IF_ERROR(ValidateMaxInFlight(max_in_flight));
  HVR_RETURN_IF_ERROR(LinkModel::ValidateRequestsPerSecond(blob_requests_per_second, "blob_requests_per_second"));
  constexpr std::chrono::milliseconds kMaxTimeout = std::chrono::hours(1);
  for (const auto& [name, timeout] : {std::pair{"connect_timeout", connect_timeout}, std::pair{"io_timeout", io_timeout}}) {
    if (timeout <= std::chrono::milliseconds(0) || timeout > kMaxTimeout) {
      return Invalid(std::string(name) + " must be 1 ms to 1 hour, not " + std::to_string(timeout.count()) + " ms");
    }
  }
  return ValidateRequestRetryOptions(retry);
}

const char* LeaseStateName(LeaseState state) {
  switch (state) {
    case LeaseState::kAvailable:
      return "available";
    case LeaseState::kLeased:
      return "leased";
    case LeaseState::kBreaking:
      return "breaking";
    case LeaseState::kBroken:
      return "broken";
    case LeaseState::kExpired:
      return "expired";
  }
  return "unknown";
}

Status ValidateDiskName(std::string_view name) {
  const auto bad = [&](const char* why) {
    return Invalid("disk name '" + std::string(name) + "' " + why +
                   " (1 to 128 letters, digits, '.', '_' or '-', not starting with '.' or '-')");
  };
  if (name.empty() || name.size() > kMaxDiskName) return bad("has a bad length");
  if (name[0] == '.' || name[0] == '-') return bad("starts with '.' or '-'");
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return bad("has a character outside the allowed set");
    }
  }
  return Ok();
}

Status ValidateContainerName(std::string_view name) {
  bool ok = name.size() >= 3 && name.size() <= 63 && name.front() != '-' && name.back() != '-' &&
            name.find("--") == std::string_view::npos;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '-')) {
      ok = false;
    }
  }
  if (ok) return Ok();
  return Invalid("container name '" + std::string(name) +
                 "' is not valid: 3 to 63 lower-case letters, digits and single dashes, "
                 "starting and ending with a letter or digit");
}

Status ValidateMetadata(const Metadata& metadata, bool allow_reserved) {
  size_t total = 0;
  std::set<std::string> seen;
  for (const auto& [key, value] : metadata) {
    if (key.empty() || key.size() > kMaxMetadataKey ||
        !(std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_')) {
      return Invalid("metadata key '" + key + "' must start with a letter or '_' and have 1 to 64 characters");
    }
    for (char c : key) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
        return Invalid("metadata key '" + key + "' may hold only letters, digits and '_'");
      }
    }
    const std::string lower = AsciiLower(key);
    if (!allow_reserved && lower.rfind("hvr", 0) == 0) {
      return Invalid("metadata key '" + key + "' is reserved (keys starting with 'hvr' belong to the store)");
    }
    if (!seen.insert(lower).second) {
      return Invalid("metadata key '" + key + "' appears twice (keys ignore case)");
    }
    for (char c : value) {
      if (c < 0x20 || c > 0x7e) {
        return Invalid("metadata value of '" + key + "' may hold only printable ASCII");
      }
    }
    if (!value.empty() && (value.front() == ' ' || value.back() == ' ')) {
      return Invalid("metadata value of '" + key + "' may not start or end with a space");
    }
    total += key.size() + value.size();
  }
  if (total > kMaxMetadataBytes) {
    return Invalid("metadata holds " + std::to_string(total) + " bytes; at most 8192 are allowed");
  }
  return Ok();
}

Status ValidateVirtualSize(uint64_t virtual_size) {
  if (virtual_size == 0 || virtual_size % kDiskSizeUnit != 0) {
    return Invalid("virtual size " + std::to_string(virtual_size) +
                   " is not a positive whole number of MiB (Azure disks are fixed VHDs sized in MiB)");
  }
  return Ok();
}

Status ValidateGrowth(std::string_view disk, uint64_t from, uint64_t to) {
  HVR_RETURN_IF_ERROR(ValidateVirtualSize(to));
  if (to >= from) return Ok();
  return Invalid("disk '" + std::string(disk) + "' has " + std::to_string(from) + " bytes; growing it to " +
                 std::to_string(to) + " would shrink it, and a disk never shrinks");
}

uint64_t ReplicaSizeFor(uint64_t virtual_size) {
  return RoundUp(std::max<uint64_t>(virtual_size, 1), kDiskSizeUnit);
}

Status ValidatePageRange(std::string_view what, std::string_view disk, uint64_t offset,
                         uint64_t length, uint64_t max_length, uint64_t virtual_size) {
  const std::string where = std::string(what) + " of " + std::to_string(length) +
                            " bytes at offset " + std::to_string(offset) + " on disk '" +
                            std::string(disk) + "'";
  if (offset % kPageSize != 0 || length % kPageSize != 0) {
    return Invalid(where + ": offset and length must be multiples of 512");
  }
  if (length == 0) return Invalid(where + ": nothing to do");
  if (length > max_length) {
    return Invalid(where + ": at most " + std::to_string(max_length) + " bytes per call");
  }
  if (offset > virtual_size || length > virtual_size - offset) {
    return Invalid(where + ": beyond the virtual size " + std::to_string(virtual_size));
  }
  return Ok();
}

Status ValidateReadRange(std::string_view disk, uint64_t offset, uint64_t length,
                         uint64_t virtual_size) {
  if (offset > virtual_size || length > virtual_size - offset) {
    return Invalid("read of " + std::to_string(length) + " bytes at offset " +
                   std::to_string(offset) + " on disk '" + std::string(disk) +
                   "' is beyond the virtual size " + std::to_string(virtual_size));
  }
  return Ok();
}

Status ValidateLeaseDuration(std::chrono::seconds duration) {
  if (duration == kInfiniteLease ||
      (duration >= std::chrono::seconds(15) && duration <= std::chrono::seconds(60))) {
    return Ok();
  }
  return Invalid("lease duration " + std::to_string(duration.count()) +
                 " s: must be 15 to 60 seconds or infinite");
}

Status ValidateBreakPeriod(std::chrono::seconds period) {
  if (period >= std::chrono::seconds(0) && period <= std::chrono::seconds(60)) return Ok();
  return Invalid("lease break period " + std::to_string(period.count()) +
                 " s: must be 0 to 60 seconds");
}

Status ValidateRequestRetryOptions(const RequestRetryOptions& o) {
  const auto invalid = [](const std::string& what) { return Error(Code::kInvalidArgument, "request retries: " + what); };
  if (o.max_attempts < 1 || o.max_attempts > 100) {
    return invalid("max_attempts must be 1 to 100, not " + std::to_string(o.max_attempts));
  }
  if (o.base_delay.count() <= 0) return invalid("base_delay must be positive");
  if (o.max_delay < o.base_delay) return invalid("max_delay must not be shorter than base_delay");
  if (o.max_elapsed.count() < 0) return invalid("max_elapsed must not be negative");
  return Ok();
}

}  // namespace hvr
