// Bringing an on-premises disk to the content of a disk in the target (failback): either
// by copying the ranges the store says changed since the disk last matched, or, when
// nothing says what changed, by reading both and writing only the chunks that differ.
#pragma once

#include <cstdint>
#include <vector>

#include "hvr/cancel.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_writer.hpp"

namespace hvr {

struct DiskSyncStats {
  uint64_t bytes_read = 0;     // from the source
  uint64_t bytes_written = 0;  // to the destination (zeros included)
};

// Copies `ranges` of `source` to `destination` (clipped to the destination's size), with
// `threads` reads at a time. Ranges reading as zeros become WriteZeros.
Result<DiskSyncStats> CopyRanges(const DiskReader& source, DiskWriter& destination,
                                 const std::vector<ByteRange>& ranges, unsigned threads,
                                 const CancelToken* cancel);

// Makes `destination` read as `source` over the destination's size: every range either
// side may hold data is read from both and compared in `chunk_size` chunks; only the
// chunks that differ are written.
Result<DiskSyncStats> CopyDiffering(const DiskReader& source, DiskWriter& destination, uint32_t chunk_size,
                                    unsigned threads, const CancelToken* cancel);

}  // namespace hvr
