// Whole-disk copies between disk images and replica stores: the initial copy of a disk
// (only allocated, non-zero data travels, with several writes in flight) and fetching a
// replica or recovery point back as a fixed VHD. Both block the calling thread while the
// store works on its own executor; never call them from a store's completion handler.
// Memory stays at max_in_flight buffers of 4 MiB, whatever the disk size.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "hvr/cancel.hpp"
#include "hvr/disk.hpp"
#include "hvr/link.hpp"
#include "hvr/progress.hpp"
#include "hvr/store.hpp"

namespace hvr {

struct TransferOptions {
  // Reads or writes outstanding at once, each with its own 4 MiB buffer: 1 to
  // kMaxInFlight (hvr/store_options.hpp).
  int max_in_flight = 8;
  // Zeros between non-zero blocks of a piece are sent (upload) or written (download)
  // rather than skipped when the gap is shorter than this (hvr/link.hpp): one request
  // instead of two.
  uint64_t join_gap = LinkModel{}.JoinGap();
  // Bytes of the virtual disk settled so far, of the virtual size.
  ProgressFn progress;
  // Checked between pieces; a cancelled copy waits for what is in flight, then returns
  // kCancelled.
  const CancelToken* cancel = nullptr;
};

struct TransferStats {
  uint64_t virtual_size = 0;   // of the replica disk
  uint64_t bytes_read = 0;     // read from the source
  uint64_t bytes_sent = 0;     // written to the destination
  uint64_t bytes_skipped = 0;  // unallocated or all zeros: never read or never written
  uint64_t requests = 0;       // writes (upload) or reads (download) issued
  std::chrono::nanoseconds elapsed{0};
};

// Creates replica disk `name` in `store` with the content of `disk`, its size rounded
// up to whole MiB (Azure fixed VHDs are sized in MiB; the extra tail reads as zeros).
// Only the disk's allocated ranges are read, and only pieces holding non-zero bytes are
// written. kConflict if the disk exists: nothing is overwritten.
Result<TransferStats> UploadDisk(const DiskReader& disk, ReplicaStore& store,
                                 const std::string& name, const TransferOptions& options);

// Writes disk `name` of `store`, or its recovery point `snapshot` when not empty, to a
// new file `path` (kConflict if it exists): the virtual content, sparse, followed by a
// fixed-VHD footer when `with_footer`, so that the file is a VHD any tool opens.
Result<TransferStats> DownloadDisk(ReplicaStore& store, const std::string& name,
                                   const std::string& snapshot, const std::string& path,
                                   bool with_footer, const TransferOptions& options);

}  // namespace hvr
