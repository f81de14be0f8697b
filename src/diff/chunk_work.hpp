// How hashing and diffing cut their work: spans of whole chunks of at most one slice
// (4 MiB, a large aligned read), and a read buffer per worker.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "diff/aligned_buffer.hpp"
#include "hvr/chunk_diff.hpp"

namespace hvr {

// Bytes read at once: a multiple of every chunk size, large enough that per-read costs
// vanish, small enough that threads x slice stays a few tens of MiB.
inline constexpr uint64_t kSliceSize = kMaxChunkSize;

// Chunk indices [first, last).
struct ChunkSpan {
  uint64_t first = 0;
  uint64_t last = 0;
};

// [0, chunk_count) cut into slices.
std::vector<ChunkSpan> SlicesOf(uint64_t chunk_count, uint32_t chunk_size);

// `intervals` sorted, merged where they touch, and cut so no span exceeds a slice.
std::vector<ChunkSpan> SpansOf(std::vector<ChunkSpan> intervals, uint32_t chunk_size);

// The byte range of a span clipped to `size` (empty when the span starts past it).
ByteRange SpanBytes(const ChunkSpan& span, uint32_t chunk_size, uint64_t size);

// The chunk size `options` asks for when nothing fixes it, validated.
Result<uint32_t> ChosenChunkSize(const ChunkOptions& options);
// Ok when `options` leaves the chunk size to `manifest` or asks for the same one.
Status CheckChunkSizeMatches(const ChunkOptions& options, const Manifest& manifest);

// Read buffers, one per worker and role (source, target), allocated on first use.
class SliceBuffers {
 public:
  SliceBuffers(unsigned workers, unsigned roles) : roles_(roles), buffers_(workers * roles) {}
  // A slice-sized buffer; workers call this for their own id only.
  Result<std::span<uint8_t>> Get(unsigned worker, unsigned role);

 private:
  unsigned roles_;
  std::vector<std::optional<AlignedBuffer>> buffers_;
};

}  // namespace hvr
