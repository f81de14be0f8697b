// The three diffs. Each walks the chunk positions of the longer side slice by slice on
// the worker pool, and hands each slice's differing chunks to a RunAssembler.
#include <cstring>
#include <functional>

#include "diff/allocation_map.hpp"
#include "diff/chunk_hash.hpp"
#include "diff/chunk_work.hpp"
#include "diff/diff_runs.hpp"
#include "diff/parallel.hpp"
#include "hvr/chunk_diff.hpp"

namespace hvr {
namespace {

// One side's part of a slice: its bytes, or nothing when it holds no data there (it
// reads as zeros, which is known without reading).
struct SideSlice {
  ByteRange bytes;
  std::span<const uint8_t> data;  // empty when !allocated
  bool allocated = false;

  // The chunk's bytes; call only when allocated.
  std::span<const uint8_t> Chunk(const ByteRange& chunk) const {
    return data.subspan(chunk.offset - bytes.offset, chunk.length);
  }
  bool ChunkIsZero(const ByteRange& chunk) const { return !allocated || IsAllZero(Chunk(chunk)); }
};

Result<SideSlice> ReadSide(const DiskReader& disk, const AllocationMap& map, const ByteRange& bytes,
                           SliceBuffers& buffers, unsigned worker, unsigned role) {
  SideSlice side{bytes, {}, map.AnyAllocated(bytes)};
  if (side.allocated) {
    HVR_ASSIGN_OR_RETURN(std::span<uint8_t> buffer, buffers.Get(worker, role));
    HVR_RETURN_IF_ERROR(map.Read(disk, bytes, buffer.first(bytes.length)));
    side.data = buffer.first(bytes.length);
  }
  return side;
}

// Compares one span of chunks on `worker`, appending what differs to `found`.
using CompareSpan = std::function<Status(const ChunkSpan& span, unsigned worker,
                                         SliceBuffers& buffers, ItemRuns& found)>;

Result<DiffResult> RunDiff(const DiffGeometry& geometry, const ChunkOptions& options,
                           const RunFn& on_run, const char* what, unsigned roles,
                           const CompareSpan& compare) {
  DiffResult result;
  result.chunk_size = geometry.chunk_size;
  result.source_size = geometry.source_size;
  result.target_size = geometry.target_size;
  const std::vector<ChunkSpan> spans = SlicesOf(geometry.chunk_count(), geometry.chunk_size);
  const unsigned workers = WorkerCount(options.threads, spans.size());
  SliceBuffers buffers(geometry.chunk_size, workers, roles);
  RunAssembler assembler(on_run, result.runs);
  ProgressMeter progress(options.progress, geometry.span());

  const Status compared = ParallelFor(spans.size(), workers, options.cancel, what,
                                     [&](uint64_t item, unsigned worker) -> Status {
    ItemRuns found;
    HVR_RETURN_IF_ERROR(compare(spans[item], worker, buffers, found));
    HVR_RETURN_IF_ERROR(assembler.Submit(item, std::move(found)));
    progress.Add(SpanBytes(spans[item], geometry.chunk_size, geometry.span()).length);
    return Ok();
  });
  if (!compared.ok()) return compared.error();
  HVR_ASSIGN_OR_RETURN(result.totals, assembler.Finish());
  result.totals.chunks = geometry.chunk_count();
  return result;
}

// The buffers each compare function asks SliceBuffers for.
constexpr unsigned kSourceRole = 0;
constexpr unsigned kTargetRole = 1;

}  // namespace

const char* DiffKindName(DiffKind kind) {
  switch (kind) {
    case DiffKind::kData:
      return "data";
    case DiffKind::kZero:
      return "zero";
    case DiffKind::kPastSourceEnd:
      return "past_source_end";
  }
  return "unknown";
}

Result<DiffResult> Diff(const DiskReader& source, const DiskReader& target,
                        const ChunkOptions& options, const RunFn& on_run) {
  HVR_ASSIGN_OR_RETURN(const uint32_t chunk_size, ChosenChunkSize(options, kMinChunkSize));
  const DiffGeometry geometry{chunk_size, source.info().virtual_size, target.info().virtual_size};
  HVR_ASSIGN_OR_RETURN(const AllocationMap source_map, AllocationMap::Of(source));
  HVR_ASSIGN_OR_RETURN(const AllocationMap target_map, AllocationMap::Of(target));
  return RunDiff(geometry, options, on_run, "comparing the disks", 2,
                 [&](const ChunkSpan& span, unsigned worker, SliceBuffers& buffers,
                     ItemRuns& found) -> Status {
    HVR_ASSIGN_OR_RETURN(const SideSlice s,
                         ReadSide(source, source_map, SpanBytes(span, chunk_size, geometry.source_size),
                                  buffers, worker, kSourceRole));
    HVR_ASSIGN_OR_RETURN(const SideSlice t,
                         ReadSide(target, target_map, SpanBytes(span, chunk_size, geometry.target_size),
                                  buffers, worker, kTargetRole));
    for (uint64_t i = span.first; i < span.last; ++i) {
      const ByteRange chunk{i * chunk_size, geometry.SourceLength(i)};
      bool differs;
      if (!geometry.SameExtent(i)) {
        differs = true;
      } else if (!s.allocated && !t.allocated) {
        differs = false;
      } else if (!s.allocated) {
        differs = !IsAllZero(t.Chunk(chunk));
      } else if (!t.allocated) {
        differs = !IsAllZero(s.Chunk(chunk));
      } else {
        differs = std::memcmp(s.Chunk(chunk).data(), t.Chunk(chunk).data(), chunk.length) != 0;
      }
      if (differs) {
        found.differing_chunks += 1;
        AppendDifferingChunk(geometry, i, s.ChunkIsZero(chunk), found.runs);
      }
    }
    return Ok();
  });
}

Result<DiffResult> Diff(const DiskReader& source, const Manifest& target,
                        const ChunkOptions& options, const RunFn& on_run) {
  HVR_RETURN_IF_ERROR(CheckChunkSizeMatches(options, target));
  const uint32_t chunk_size = target.chunk_size();
  const DiffGeometry geometry{chunk_size, source.info().virtual_size, target.disk_size()};
  HVR_ASSIGN_OR_RETURN(const AllocationMap source_map, AllocationMap::Of(source));
  return RunDiff(geometry, options, on_run, "comparing the disk with the manifest", 1,
                 [&](const ChunkSpan& span, unsigned worker, SliceBuffers& buffers,
                     ItemRuns& found) -> Status {
    HVR_ASSIGN_OR_RETURN(const SideSlice s,
                         ReadSide(source, source_map, SpanBytes(span, chunk_size, geometry.source_size),
                                  buffers, worker, kSourceRole));
    for (uint64_t i = span.first; i < span.last; ++i) {
      const ByteRange chunk{i * chunk_size, geometry.SourceLength(i)};
      bool differs;
      bool source_zero;
      if (!geometry.SameExtent(i)) {
        differs = true;
        source_zero = s.ChunkIsZero(chunk);
      } else {
        const ChunkHash hash = s.allocated ? HashChunk(s.Chunk(chunk)) : ChunkHash::Zero();
        const ChunkHash& known = target.hash(i);
        differs = known.is_unknown() || hash != known;
        source_zero = hash.is_zero();
      }
      if (differs) {
        found.differing_chunks += 1;
        AppendDifferingChunk(geometry, i, source_zero, found.runs);
      }
    }
    return Ok();
  });
}

Result<DiffResult> Diff(const Manifest& source, const Manifest& target, const RunFn& on_run) {
  if (source.chunk_size() != target.chunk_size()) {
    return Error(Code::kInvalidArgument,
                 "the manifests have different chunk sizes (" + std::to_string(source.chunk_size()) +
                     " and " + std::to_string(target.chunk_size()) +
                     " bytes); build both with the same chunk size");
  }
  const uint32_t chunk_size = source.chunk_size();
  const DiffGeometry geometry{chunk_size, source.disk_size(), target.disk_size()};
  // Comparing hashes is memory-bound; more than one thread would only add overhead.
  ChunkOptions options;
  options.threads = 1;
  return RunDiff(geometry, options, on_run, "comparing the manifests", 0,
                 [&](const ChunkSpan& span, unsigned, SliceBuffers&, ItemRuns& found) -> Status {
    for (uint64_t i = span.first; i < span.last; ++i) {
      const bool differs = !geometry.SameExtent(i) || source.hash(i).is_unknown() ||
                           source.hash(i) != target.hash(i);
      if (differs) {
        found.differing_chunks += 1;
        // An unknown source chunk may or may not be zero; sending it is what is safe.
        const bool source_zero = geometry.SourceLength(i) > 0 && source.hash(i).is_zero();
        AppendDifferingChunk(geometry, i, source_zero, found.runs);
      }
    }
    return Ok();
  });
}

}  // namespace hvr
