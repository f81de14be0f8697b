// A replica disk, or one of its recovery points, read through the DiskReader interface,
// so that chunk-diff, verification and failback treat replicas like image files. Reads
// block on the store: never use one from a store's completion handler.
#pragma once

#include <memory>
#include <string>

#include "hvr/disk.hpp"
#include "hvr/store.hpp"

namespace hvr {

// Reads disk `name` of `store` (recovery point `snapshot` when not empty). info() names
// it "<store description>/<name>[@<snapshot>]" as a fixed raw disk of the replica's
// virtual size; AllocatedRanges asks the store. The store must outlive the reader.
Result<std::unique_ptr<DiskReader>> OpenReplicaReader(ReplicaStore& store, const std::string& name,
                                                      const std::string& snapshot = {});

}  // namespace hvr
