// Coalescing Hyper-V Replica Logs: the writes of several closed logs, read in order into
// an ExtentMap, which then gives the page writes that bring a replica up to date.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hvr/cancel.hpp"
#include "hvr/error.hpp"
#include "hvr/extent_map.hpp"
#include "hvr/guid.hpp"
#include "hvr/hrl.hpp"
#include "hvr/progress.hpp"

namespace hvr {

struct CoalesceOptions {
  // The UniqueId of the last log already applied: the first log must follow it.
  std::optional<Guid> previous_unique_id;
  // Copy the data into the map rather than refer to the logs. Referring keeps the map's
  // memory at 32 bytes an extent, whatever the logs hold, but needs the logs kept (and
  // unchanged) until the page writes are done.
  bool copy_data = false;
  const CancelToken* cancel = nullptr;
  ProgressFn progress;  // log bytes read, of the logs' total
  HrlReaderOptions reader;
};

struct CoalesceSummary {
  std::vector<HrlHeader> logs;  // in the order applied
  uint64_t entries = 0;         // writes read
  uint64_t logged_bytes = 0;    // their data, overwritten bytes included
};

// Reads `paths` in order into `map`. First every header is read and the chain checked
// (kLogChainGap, kLogNotClosed... before any data is read); then every entry, with all
// its checksums verified, is added to the map. On failure the map may hold part of the
// writes and must be cleared, never used.
Result<CoalesceSummary> CoalesceLogs(std::span<const std::string> paths, uint64_t disk_virtual_size,
                                     ExtentMap& map, const CoalesceOptions& options = {});

}  // namespace hvr
