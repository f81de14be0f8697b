// The three diffs: one walk over the chunk positions of the longer side (RunDiff), and a
// judge per kind of diff that says whether a chunk differs.
#include <cstring>
#include <functional>

#include "diff/allocation_map.hpp"
#include "diff/chunk_hash.hpp"
#include "diff/chunk_work.hpp"
#include "diff/diff_runs.hpp"
#include "util/parallel.hpp"
#include "hvr/chunk_diff.hpp"
#include "util/worker_buffers.hpp"

namespace hvr {
namespace {

// One side's part of a slice: its bytes, or nothing when it holds no data there (it
// reads as zeros, which is known without reading) or is not a disk at all.
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

// A disk a diff reads, and where it holds data.
struct DiskSide {
  const DiskReader& disk;
  AllocationMap map;
};

Result<DiskSide> SideOf(const DiskReader& disk) {
  HVR_ASSIGN_OR_RETURN(AllocationMap map, AllocationMap::Of(disk));
  return DiskSide{disk, std::move(map)};
}

Result<SideSlice> ReadSlice(const DiskSide& side, const ByteRange& bytes, WorkerBuffers& buffers,
                            unsigned worker, unsigned role) {
  SideSlice slice{bytes, {}, side.map.AnyAllocated(bytes)};
  if (slice.allocated) {
    HVR_ASSIGN_OR_RETURN(std::span<uint8_t> buffer, buffers.Get(worker, role));
    HVR_RETURN_IF_ERROR(side.map.Read(side.disk, bytes, buffer.first(bytes.length)));
    slice.data = buffer.first(bytes.length);
  }
  return slice;
}

struct Verdict {
  bool differs = false;
  bool source_zero = false;  // meaningful when it differs
};

// Judges chunk `index`, whose source part is `chunk`, from the slices of the sides that
// are disks (a side that is not reads as an empty slice).
using JudgeChunk = std::function<Verdict(uint64_t index, const ByteRange& chunk,
                                         const SideSlice& source, const SideSlice& target)>;

// The buffers each side reads into.
constexpr unsigned kSourceRole = 0;
constexpr unsigned kTargetRole = 1;

// Walks every chunk position slice by slice on the worker pool, reading the sides that are
// disks, and assembles the runs of the chunks `judge` finds differing.
Result<DiffResult> RunDiff(const DiffGeometry& geometry, const ChunkOptions& options,
                           const RunFn& on_run, const char* what, const DiskSide* source,
                           const DiskSide* target, const JudgeChunk& judge) {
  DiffResult result;
  result.chunk_size = geometry.chunk_size;
  result.source_size = geometry.source_size;
  result.target_size = geometry.target_size;
  const uint32_t chunk_size = geometry.chunk_size;
  const std::vector<ChunkSpan> spans = SlicesOf(geometry.chunk_count(), chunk_size);
  const unsigned workers = WorkerCount(options.threads, spans.size());
  WorkerBuffers buffers(SliceSize(chunk_size), workers, 2);
  RunAssembler assembler(on_run, result.runs);
  ProgressMeter progress(options.progress, geometry.span());

  const Status compared = ParallelFor(spans.size(), workers, options.cancel, what,
                                     [&](uint64_t item, unsigned worker) -> Status {
    const ChunkSpan& span = spans[item];
    SideSlice s;
    SideSlice t;
    if (source != nullptr) {
      HVR_ASSIGN_OR_RETURN(s, ReadSlice(*source, SpanBytes(span, chunk_size, geometry.source_size),
                                        buffers, worker, kSourceRole));
    }
    if (target != nullptr) {
      HVR_ASSIGN_OR_RETURN(t, ReadSlice(*target, SpanBytes(span, chunk_size, geometry.target_size),
                                        buffers, worker, kTargetRole));
    }
    ItemRuns found;
    for (uint64_t i = span.first; i < span.last; ++i) {
      const ByteRange chunk{i * chunk_size, geometry.SourceLength(i)};
      const Verdict verdict = judge(i, chunk, s, t);
      if (verdict.differs) {
        found.differing_chunks += 1;
        AppendDifferingChunk(geometry, i, verdict.source_zero, found.runs);
      }
    }
    HVR_RETURN_IF_ERROR(assembler.Submit(item, std::move(found)));
    progress.Add(SpanBytes(span, chunk_size, geometry.span()).length);
    return Ok();
  });
  if (!compared.ok()) return compared.error();
  HVR_ASSIGN_OR_RETURN(result.totals, assembler.Finish());
  result.totals.chunks = geometry.chunk_count();
  return result;
}

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
  HVR_ASSIGN_OR_RETURN(const DiskSide source_side, SideOf(source));
  HVR_ASSIGN_OR_RETURN(const DiskSide target_side, SideOf(target));
  return RunDiff(geometry, options, on_run, "comparing the disks", &source_side, &target_side,
                 [&](uint64_t i, const ByteRange& chunk, const SideSlice& s, const SideSlice& t) {
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
    return Verdict{differs, differs && s.ChunkIsZero(chunk)};
  });
}

Result<DiffResult> Diff(const DiskReader& source, const Manifest& target,
                        const ChunkOptions& options, const RunFn& on_run) {
  HVR_RETURN_IF_ERROR(CheckChunkSizeMatches(options, target));
  const DiffGeometry geometry{target.chunk_size(), source.info().virtual_size, target.disk_size()};
  HVR_ASSIGN_OR_RETURN(const DiskSide source_side, SideOf(source));
  return RunDiff(geometry, options, on_run, "comparing the disk with the manifest", &source_side,
                 nullptr, [&](uint64_t i, const ByteRange& chunk, const SideSlice& s, const SideSlice&) {
    if (!geometry.SameExtent(i)) return Verdict{true, s.ChunkIsZero(chunk)};
    const ChunkHash hash = s.allocated ? HashChunk(s.Chunk(chunk)) : ChunkHash::Zero();
    const ChunkHash& known = target.hash(i);
    return Verdict{known.is_unknown() || hash != known, hash.is_zero()};
  });
}

Result<DiffResult> Diff(const Manifest& source, const Manifest& target, const RunFn& on_run) {
  if (source.chunk_size() != target.chunk_size()) {
    return Error(Code::kInvalidArgument,
                 "the manifests have different chunk sizes (" + std::to_string(source.chunk_size()) +
                     " and " + std::to_string(target.chunk_size()) +
                     " bytes); build both with the same chunk size");
  }
  const DiffGeometry geometry{source.chunk_size(), source.disk_size(), target.disk_size()};
  // Comparing hashes is memory-bound; more than one thread would only add overhead.
  ChunkOptions options;
  options.threads = 1;
  return RunDiff(geometry, options, on_run, "comparing the manifests", nullptr, nullptr,
                 [&](uint64_t i, const ByteRange&, const SideSlice&, const SideSlice&) {
    // An unknown source chunk may or may not be zero; sending it is what is safe.
    if (!geometry.SameExtent(i)) {
      return Verdict{true, geometry.SourceLength(i) > 0 && source.hash(i).is_zero()};
    }
    const ChunkHash& hash = source.hash(i);
    return Verdict{hash.is_unknown() || hash != target.hash(i), hash.is_zero()};
  });
}

}  // namespace hvr
