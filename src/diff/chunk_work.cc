#include "diff/chunk_work.hpp"

#include <algorithm>

#include "util/worker_threads.hpp"

namespace hvr {

std::vector<ChunkSpan> SlicesOf(uint64_t chunk_count, uint32_t chunk_size) {
  return SpansOf({{0, chunk_count}}, chunk_size);
}

std::vector<ChunkSpan> SpansOf(std::vector<ChunkSpan> intervals, uint32_t chunk_size,
                               uint64_t slice_bytes) {
  std::sort(intervals.begin(), intervals.end(),
            [](const ChunkSpan& a, const ChunkSpan& b) { return a.first < b.first; });
  std::vector<ChunkSpan> merged;
  for (const ChunkSpan& s : intervals) {
    if (s.first >= s.last) continue;
    if (!merged.empty() && s.first <= merged.back().last) {
      merged.back().last = std::max(merged.back().last, s.last);
    } else {
      merged.push_back(s);
    }
  }
  const uint64_t per_slice = std::max<uint64_t>(1, (slice_bytes ? slice_bytes : SliceSize(chunk_size)) / chunk_size);
  std::vector<ChunkSpan> spans;
  for (const ChunkSpan& m : merged) {
    // Cut at slice-aligned chunk indices, so whole-disk work reads aligned slices.
    for (uint64_t first = m.first; first < m.last;) {
      const uint64_t last = std::min(m.last, (first / per_slice + 1) * per_slice);
      spans.push_back({first, last});
      first = last;
    }
  }
  return spans;
}

ByteRange SpanBytes(const ChunkSpan& span, uint32_t chunk_size, uint64_t size) {
  const uint64_t begin = std::min(span.first * chunk_size, size);
  const uint64_t end = std::min(span.last * chunk_size, size);
  return {begin, end - begin};
}

Status ChunkOptions::Validate() const {
  if (chunk_size != 0) HVR_RETURN_IF_ERROR(ValidateChunkSize(chunk_size));
  return ValidateWorkerThreads(threads, "chunk options");
}

Result<uint32_t> ChosenChunkSize(const ChunkOptions& options, uint32_t fallback) {
  HVR_RETURN_IF_ERROR(options.Validate());
  const uint32_t chunk_size = options.chunk_size != 0 ? options.chunk_size : fallback;
  HVR_RETURN_IF_ERROR(ValidateChunkSize(chunk_size));
  return chunk_size;
}

Status CheckChunkSizeMatches(const ChunkOptions& options, const Manifest& manifest) {
  HVR_RETURN_IF_ERROR(options.Validate());
  if (options.chunk_size == 0 || options.chunk_size == manifest.chunk_size()) return Ok();
  return Error(Code::kInvalidArgument,
               "chunk size " + std::to_string(options.chunk_size) +
                   " was asked for, but the manifest has chunks of " +
                   std::to_string(manifest.chunk_size()) + " bytes");
}

}  // namespace hvr
