// Writing the structures of a new VHDX into an empty file (CreateVhdx and
// CreateDifferencingVhdx publish it; conversion writes into it before publishing).
#pragma once

#include <cstdint>

#include "disk/vhdx_metadata.hpp"
#include "hvr/disk_create.hpp"
#include "util/file.hpp"

namespace hvr::vhdx {

// Checks the options of a new VHDX and turns them into its metadata.
Result<DiskMetadata> MetadataFor(const VhdxCreateOptions& options);

// Lays out a new file: identifier, headers, region tables, metadata, BAT (every block
// present and preallocated when `fixed`), an empty log of `log_size` bytes.
Status WriteNewImage(File& file, const DiskMetadata& metadata, uint32_t log_size);

}  // namespace hvr::vhdx
