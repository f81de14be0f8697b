// Checks shared by both stores, so that both refuse the same bad input with the same
// message before anything is written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hvr/error.hpp"
#include "hvr/store.hpp"

namespace hvr {

// Reserved metadata key on Azure snapshots: "true" for app-consistent recovery points.
inline constexpr std::string_view kAppConsistentKey = "hvr_app_consistent";

// Azure container names: 3 to 63 lower-case letters, digits and single dashes.
Status ValidateContainerName(std::string_view name);

// Keys, values and total size as store.hpp describes. Reserved ("hvr"-prefixed) keys
// are refused unless `allow_reserved`.
Status ValidateMetadata(const Metadata& metadata, bool allow_reserved = false);

// A positive whole number of MiB.
Status ValidateVirtualSize(uint64_t virtual_size);
// A growth of disk `disk` from `from` to `to` bytes: `to` a valid virtual size, not
// smaller than `from` (a disk never shrinks: its end would be lost).
Status ValidateGrowth(std::string_view disk, uint64_t from, uint64_t to);

// The size of the replica of a source disk of `virtual_size` bytes: rounded up to a whole
// MiB, and at least one, so that ValidateVirtualSize accepts it.
uint64_t ReplicaSizeFor(uint64_t virtual_size);

// A page write or clear of `length` bytes at `offset` on a disk of `virtual_size` bytes:
// 512-aligned, non-empty, at most `max_length`, inside the disk.
Status ValidatePageRange(std::string_view what, std::string_view disk, uint64_t offset,
                         uint64_t length, uint64_t max_length, uint64_t virtual_size);

// A read of `length` bytes at `offset` inside a disk of `virtual_size` bytes.
Status ValidateReadRange(std::string_view disk, uint64_t offset, uint64_t length,
                         uint64_t virtual_size);

// Lease durations 15..60 s or infinite; break periods 0..60 s.
Status ValidateLeaseDuration(std::chrono::seconds duration);
Status ValidateBreakPeriod(std::chrono::seconds period);

}  // namespace hvr
