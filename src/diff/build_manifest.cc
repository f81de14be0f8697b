// Hashing a disk into a manifest, and keeping a manifest in step with its disk.
#include "diff/allocation_map.hpp"
#include "diff/chunk_hash.hpp"
#include "diff/chunk_work.hpp"
#include "util/parallel.hpp"
#include "hvr/chunk_diff.hpp"
#include "util/worker_buffers.hpp"

namespace hvr {
namespace {

// Hashes the chunks of `spans` from `disk` into `manifest`; chunks in unallocated space
// become zero without a read.
Status HashSpans(const DiskReader& disk, const AllocationMap& map,
                 const std::vector<ChunkSpan>& spans, Manifest& manifest,
                 const ChunkOptions& options, const char* what) {
  const uint32_t chunk_size = manifest.chunk_size();
  const uint64_t disk_size = manifest.disk_size();
  uint64_t total = 0;
  for (const ChunkSpan& span : spans) total += SpanBytes(span, chunk_size, disk_size).length;
  ProgressMeter progress(options.progress, total);
  const unsigned workers = WorkerCount(options.threads, spans.size());
  WorkerBuffers buffers(SliceSize(chunk_size), workers, 1);

  return ParallelFor(spans.size(), workers, options.cancel, what,
                     [&](uint64_t item, unsigned worker) -> Status {
    const ChunkSpan& span = spans[item];
    const ByteRange bytes = SpanBytes(span, chunk_size, disk_size);
    if (!map.AnyAllocated(bytes)) {
      for (uint64_t i = span.first; i < span.last; ++i) manifest.set_hash(i, ChunkHash::Zero());
    } else {
      HVR_ASSIGN_OR_RETURN(std::span<uint8_t> buffer, buffers.Get(worker, 0));
      const std::span<uint8_t> data = buffer.first(bytes.length);
      HVR_RETURN_IF_ERROR(map.Read(disk, bytes, data));
      for (uint64_t i = span.first; i < span.last; ++i) {
        const ByteRange chunk = manifest.ChunkRange(i);
        manifest.set_hash(i, HashChunk(data.subspan(chunk.offset - bytes.offset, chunk.length)));
      }
    }
    progress.Add(bytes.length);
    return Ok();
  });
}

}  // namespace

Result<Manifest> BuildManifest(const DiskReader& disk, const ChunkOptions& options) {
  HVR_ASSIGN_OR_RETURN(const uint32_t chunk_size, ChosenChunkSize(options, kDefaultChunkSize));
  HVR_ASSIGN_OR_RETURN(Manifest manifest, Manifest::Zeros(disk.info().virtual_size, chunk_size));
  HVR_ASSIGN_OR_RETURN(const AllocationMap map, AllocationMap::Of(disk));
  HVR_RETURN_IF_ERROR(HashSpans(disk, map, SlicesOf(manifest.chunk_count(), chunk_size), manifest,
                                options, "hashing the disk"));
  return manifest;
}

Status UpdateManifest(Manifest& manifest, const DiskReader& disk,
                      std::span<const ByteRange> changed, const ChunkOptions& options) {
  HVR_RETURN_IF_ERROR(CheckChunkSizeMatches(options, manifest));
  const uint64_t disk_size = disk.info().virtual_size;
  for (const ByteRange& r : changed) {
    if (r.offset > disk_size || r.length > disk_size - r.offset) {
      return Error(Code::kInvalidArgument,
                   disk.info().path + ": changed range of " + std::to_string(r.length) +
                       " bytes at offset " + std::to_string(r.offset) +
                       " reaches past the disk size " + std::to_string(disk_size));
    }
  }
  const uint64_t old_count = manifest.chunk_count();
  const bool resized = disk_size != manifest.disk_size();
  HVR_RETURN_IF_ERROR(manifest.Resize(disk_size));

  std::vector<ChunkSpan> touched;
  touched.reserve(changed.size() + 1);
  for (const ByteRange& r : changed) {
    const auto [first, last] = manifest.ChunksTouching(r);
    touched.push_back({first, last});
  }
  if (resized) {
    // The last chunk both sizes share may have changed extent, and what follows is new.
    const uint64_t common = std::min(old_count, manifest.chunk_count());
    touched.push_back({common == 0 ? 0 : common - 1, manifest.chunk_count()});
  }
  const std::vector<ChunkSpan> spans = SpansOf(std::move(touched), manifest.chunk_size());
  // Until hashed again these chunks are unknown, so a failure below leaves nothing that a
  // diff could wrongly trust.
  for (const ChunkSpan& span : spans) {
    for (uint64_t i = span.first; i < span.last; ++i) manifest.set_hash(i, ChunkHash::Unknown());
  }
  // The written ranges hold data; only space a resize added is worth asking the disk
  // about, and asking costs a walk of its allocation, so skip it otherwise.
  AllocationMap map = AllocationMap::Everything(disk_size);
  if (resized) {
    HVR_ASSIGN_OR_RETURN(map, AllocationMap::Of(disk));
  }
  return HashSpans(disk, map, spans, manifest, options, "updating the manifest");
}

}  // namespace hvr
