// Opening the disks of a differencing chain: each parent is opened through here, which
// detects the format, refuses cycles and absurd depths, and keeps the list of files
// already in the chain for messages.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hvr/disk.hpp"
#include "platform/file.hpp"

namespace hvr {

struct ChainContext {
  OpenDiskOptions options;
  std::vector<FileIdentity> open_files;  // child first
  std::vector<std::string> paths;        // same order
};

// Opens `path` read-only as the next disk of `chain`.
Result<std::unique_ptr<DiskReader>> OpenInChain(const std::string& path, ChainContext& chain);

}  // namespace hvr
