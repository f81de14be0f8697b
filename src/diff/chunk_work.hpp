// How hashing and diffing cut their work: spans of whole chunks of at most one slice
// (a large aligned read; workers read into util/worker_buffers.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hvr/chunk_diff.hpp"

namespace hvr {

// Bytes read at once: 1 MiB, or one chunk when chunks are larger. Large enough that
// per-read costs vanish; small enough that a slice is still in the core's cache when it
// is hashed right after the read (docs/chunk-diff.md measures this), and that memory
// stays at about threads x 1 MiB.
inline constexpr uint64_t kMinSliceSize = 1u << 20;
inline uint64_t SliceSize(uint32_t chunk_size) {
  return chunk_size > kMinSliceSize ? chunk_size : kMinSliceSize;
}

// Chunk indices [first, last).
struct ChunkSpan {
  uint64_t first = 0;
  uint64_t last = 0;
};

// [0, chunk_count) cut into slices.
std::vector<ChunkSpan> SlicesOf(uint64_t chunk_count, uint32_t chunk_size);

// `intervals` sorted, merged where they touch, and cut at multiples of `slice_bytes`
// (0: SliceSize(chunk_size); else a multiple of the chunk size) so no span exceeds one.
std::vector<ChunkSpan> SpansOf(std::vector<ChunkSpan> intervals, uint32_t chunk_size,
                               uint64_t slice_bytes = 0);

// The byte range of a span clipped to `size` (empty when the span starts past it).
ByteRange SpanBytes(const ChunkSpan& span, uint32_t chunk_size, uint64_t size);

// The chunk size `options` asks for, or `fallback`, validated.
Result<uint32_t> ChosenChunkSize(const ChunkOptions& options, uint32_t fallback);
// Ok when `options` leaves the chunk size to `manifest` or asks for the same one.
Status CheckChunkSizeMatches(const ChunkOptions& options, const Manifest& manifest);

}  // namespace hvr
