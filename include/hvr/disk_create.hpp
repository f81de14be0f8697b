// Creating virtual disks (dynamic and fixed VHDX, differencing VHDX over a parent, the
// fixed VHD Azure needs, sparse raw images) and merging a differencing VHDX into its
// parent. New files appear under their name only once complete: they are built beside
// it and renamed, so a crash never leaves half an image, and an existing file is never
// replaced (kConflict).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hvr/cancel.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"
#include "hvr/progress.hpp"

namespace hvr {

struct VhdxCreateOptions {
  uint64_t virtual_size = 0;  // a multiple of the logical sector size, at most 64 TiB
  bool fixed = false;         // fixed: every block allocated up front
  uint32_t block_size = 32u << 20;    // power of two, 1 MiB to 256 MiB (Hyper-V's default)
  uint32_t logical_sector_size = 512;   // 512 or 4096
  uint32_t physical_sector_size = 4096; // 512 or 4096
  uint32_t log_size = 1u << 20;          // multiple of 1 MiB
  std::optional<Guid> virtual_disk_id;   // the page 83 identifier; random when unset
};

Status CreateVhdx(const std::string& path, const VhdxCreateOptions& options);

struct DifferencingOptions {
  // Block size of the child; the parent's when unset.
  std::optional<uint32_t> block_size;
};

// Creates a differencing VHDX over `parent_path` (a VHDX), as a Hyper-V checkpoint does:
// the child records the parent's DataWriteGuid and its relative and absolute paths, and
// copies the virtual disk's size, sector sizes and identifier. Close any writer of the
// parent first (the identity is read from its header). The parent must not be written
// afterwards: that breaks the chain, by design.
Status CreateDifferencingVhdx(const std::string& child_path, const std::string& parent_path,
                              const DifferencingOptions& options = {});

// Creates a fixed VHD of `virtual_size` bytes, a positive whole number of MiB: zeros
// (a sparse file) followed by the footer. This is the page-blob layout Azure turns into
// a managed disk.
Status CreateFixedVhd(const std::string& path, uint64_t virtual_size);

// Creates a sparse raw image of `virtual_size` bytes (all holes).
Status CreateRaw(const std::string& path, uint64_t virtual_size);

struct MergeOptions {
  bool keep_child = false;  // by default the child is deleted once merged
  ProgressFn progress;      // bytes merged of the child's own data
  const CancelToken* cancel = nullptr;
};

struct MergeResult {
  std::string parent_path;
  Guid parent_data_write_guid;  // the parent's identity after the merge
  uint64_t bytes_merged = 0;
};

// Merges a differencing VHDX into its parent: every block the child holds (and every
// block it zeroes) is written to the parent. Readers of the parent opened before the
// merge do not see the merged blocks (they keep the block map they opened with): reopen
// them. The child first records the parent's next
// DataWriteGuid (parent_linkage2, MS-VHDX 2.6.2.6.3), so if the merge is interrupted the
// child still opens over the half-merged parent with the same content, and running the
// merge again completes it. Cancelling leaves the same state.
Result<MergeResult> MergeDifferencingDisk(const std::string& child_path,
                                          const MergeOptions& options = {});

}  // namespace hvr
