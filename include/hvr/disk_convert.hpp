// Converting a virtual disk into another format: reads only the allocated ranges of the
// source, in parallel, and writes everything but all-zero blocks, so the result is as
// sparse as the target format allows (holes in raw and fixed files, unallocated blocks
// in dynamic VHDX).
#pragma once

#include <cstdint>
#include <string>

#include "hvr/cancel.hpp"
#include "hvr/disk.hpp"
#include "hvr/error.hpp"
#include "hvr/progress.hpp"

namespace hvr {

enum class ConvertTarget {
  kRaw,          // sparse raw image
  kVhdxDynamic,  // dynamic VHDX
  kVhdxFixed,    // fixed VHDX
  kVhdFixed,     // fixed VHD, ready for Azure: the size is rounded up to a whole MiB
};

const char* ConvertTargetName(ConvertTarget target);  // "raw", "vhdx", "vhdx-fixed", "vhd-fixed"

struct ConvertOptions {
  ConvertTarget target = ConvertTarget::kRaw;
  uint32_t block_size = 0;  // VHDX targets; 0 for the default (32 MiB)
  int threads = 0;          // reading and writing threads; 0 for one per core, at most 4
  bool sync = true;         // make the result durable before returning
  bool overwrite = false;   // replace an existing destination (else kConflict)
  ProgressFn progress;      // bytes of allocated source data processed
  const CancelToken* cancel = nullptr;

  // threads 0 to 256; ConvertDisk checks it first.
  Status Validate() const;
};

struct ConvertStats {
  uint64_t virtual_size = 0;     // of the destination
  uint64_t bytes_read = 0;       // allocated source bytes read
  uint64_t bytes_written = 0;    // non-zero bytes written
};

// Writes the content of `source` to a new image at `destination`. The image is built
// beside the destination and renamed into place when complete.
Result<ConvertStats> ConvertDisk(const DiskReader& source, const std::string& destination,
                                 const ConvertOptions& options);

}  // namespace hvr
