// Hashing one chunk: zero chunks are recognised by a scan (much cheaper than a hash) and
// get the reserved zero value; others get XXH3-128, moved off the reserved values.
#pragma once

#include <cstdint>
#include <span>

#include "hvr/manifest.hpp"
#include "util/zero.hpp"

namespace hvr {

// The manifest hash of a chunk's bytes (docs/chunk-diff.md).
ChunkHash HashChunk(std::span<const uint8_t> bytes);

// XXH3-128 of `bytes` exactly as the library computes it, without the zero shortcut or
// the reserved-value adjustment; benchmarks compare HashChunk against it.
ChunkHash RawXxh3(std::span<const uint8_t> bytes);

// XXH3-64 of `bytes`: the checksum of manifest files.
uint64_t Checksum64(std::span<const uint8_t> bytes);

}  // namespace hvr
