// A replica disk, or one of its recovery points, read through the DiskReader interface,
// so that chunk-diff, verification and failback treat replicas like image files. Reads
// block on the store: never use one from a store's completion handler.
#pragma once

#include <memory>
#include <string>

#include "hvr/disk.hpp"
#include "hvr/store.hpp"

namespace hvr {

// The virtual size of disk `name` of `store`, or of its recovery point `snapshot` when
// not empty: a point keeps the size it was taken at when the disk grows later.
// kNotFound when there is no such disk or point.
Result<uint64_t> ReplicaSize(ReplicaStore& store, const std::string& name, const std::string& snapshot = {});

// Reads disk `name` of `store` (recovery point `snapshot` when not empty). info() names
// it "<store description>/<name>[@<snapshot>]" as a fixed raw disk of its virtual size
// (ReplicaSize); AllocatedRanges asks the store. The store must outlive the reader.
Result<std::unique_ptr<DiskReader>> OpenReplicaReader(ReplicaStore& store, const std::string& name,
                                                      const std::string& snapshot = {});

}  // namespace hvr
