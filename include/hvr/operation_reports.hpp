// What a session's operations did: a delta cycle, a failback synchronisation, a
// verification of a recovery point against the sources.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/vm_recovery_point.hpp"

namespace hvr {

// What one delta cycle did.
struct CycleReport {
  bool shipped = false;           // false: no new logs (nothing to do)
  size_t logs = 0;
  uint64_t logged_bytes = 0;      // data in the logs, overwritten bytes included
  uint64_t changed_bytes = 0;     // distinct bytes the logs changed
  uint64_t bytes_sent = 0;        // page data written to the replica
  uint64_t page_writes = 0;
  std::optional<VmRecoveryPoint> point;
  Duration elapsed{0};
};

// What one failback synchronisation did, per disk.
struct FailbackDiskReport {
  std::string destination;
  // "changed_ranges": the store listed what changed since the last sync, only that was
  // read; "compare": the failed-over disk was read and compared chunk by chunk.
  std::string method;
  uint64_t bytes_read = 0;     // from the target store
  uint64_t bytes_written = 0;  // to the on-premises disk
};

struct FailbackReport {
  std::vector<FailbackDiskReport> disks;
  bool completed = false;  // the on-premises VM runs again
};

// A recovery point compared with the source disks.
struct DiskVerification {
  std::string source;
  std::string replica;
  bool identical = false;
  uint64_t differing_bytes = 0;
  std::optional<uint64_t> first_difference;  // offset of the first differing chunk
};

struct VerifyReport {
  VmRecoveryPoint point;
  std::vector<DiskVerification> disks;
  bool identical() const;
};

}  // namespace hvr
