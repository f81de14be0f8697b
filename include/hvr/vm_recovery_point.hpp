// A recovery point of a VM: one snapshot of each replica disk (a store's RecoveryPoint,
// hvr/store.hpp), all taken after the same logs (docs/session.md "Recovery points").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hvr/clock.hpp"

namespace hvr {

struct VmRecoveryPoint {
  std::string id;             // the point's sequence number in decimal ("42")
  uint64_t sequence = 0;
  TimePoint created;          // when the snapshots were taken
  TimePoint source_time;      // the moment of the source it holds (its logs' close)
  bool app_consistent = false;
  std::vector<std::string> snapshots;  // per disk, the store's snapshot id
  // Per disk, its replica's virtual size at the point (a disk may have grown since);
  // empty for points from before sizes were recorded, which have the replicas' sizes.
  std::vector<uint64_t> disk_sizes;
};

}  // namespace hvr
