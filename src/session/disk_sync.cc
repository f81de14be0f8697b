#include "session/disk_sync.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "util/align.hpp"
#include "util/parallel.hpp"
#include "util/range_set.hpp"
#include "util/worker_buffers.hpp"
#include "util/zero.hpp"

namespace hvr {
namespace {

constexpr uint64_t kPiece = 4u << 20;  // one read from the store

Status WriteRun(DiskWriter& destination, uint64_t offset, std::span<const uint8_t> data) {
  return IsAllZero(data) ? destination.WriteZeros(offset, data.size()) : destination.Write(offset, data);
}

}  // namespace

Result<DiskSyncStats> CopyRanges(const DiskReader& source, DiskWriter& destination,
                                 const std::vector<ByteRange>& ranges, unsigned threads,
                                 const CancelToken* cancel) {
  const uint64_t size = std::min(source.info().virtual_size, destination.info().virtual_size);
  const RangeList joined = RangeSet(ranges).Ranges(size);
  const RangePieces pieces(joined, kPiece);
  std::atomic<uint64_t> moved{0};
  const unsigned workers = WorkerCount(threads, pieces.count());
  WorkerBuffers buffers(kPiece, workers, 1);
  HVR_RETURN_IF_ERROR(ParallelFor(pieces.count(), workers, cancel, "failback",
                                  [&](uint64_t item, unsigned worker) -> Status {
                                    const ByteRange piece = pieces[item];
                                    HVR_ASSIGN_OR_RETURN(const std::span<uint8_t> whole, buffers.Get(worker, 0));
                                    const std::span<uint8_t> data = whole.first(piece.length);
                                    HVR_RETURN_IF_ERROR(source.Read(piece.offset, data));
                                    HVR_RETURN_IF_ERROR(WriteRun(destination, piece.offset, data));
                                    moved += piece.length;
                                    return Ok();
                                  }));
  return DiskSyncStats{moved, moved};
}

Result<DiskSyncStats> CopyDiffering(const DiskReader& source, DiskWriter& destination, uint32_t chunk_size,
                                    unsigned threads, const CancelToken* cancel) {
  const uint64_t size = destination.info().virtual_size;
  HVR_ASSIGN_OR_RETURN(std::vector<ByteRange> ranges, source.AllocatedRanges());
  HVR_ASSIGN_OR_RETURN(const std::vector<ByteRange> there, destination.AllocatedRanges());
  ranges.insert(ranges.end(), there.begin(), there.end());
  // Whole chunks, so a chunk is compared once.
  for (ByteRange& r : ranges) {
    const uint64_t begin = RoundDown(r.offset, chunk_size);
    r = {begin, RoundUp(r.end(), chunk_size) - begin};
  }
  const RangeList joined = RangeSet(ranges).Ranges(size);
  const RangePieces pieces(joined, kPiece);
  const uint64_t source_size = source.info().virtual_size;
  std::atomic<uint64_t> read{0}, written{0};
  const unsigned workers = WorkerCount(threads, pieces.count());
  WorkerBuffers buffers(kPiece, workers, 2);
  HVR_RETURN_IF_ERROR(ParallelFor(
      pieces.count(), workers, cancel, "failback", [&](uint64_t item, unsigned worker) -> Status {
        const ByteRange piece = pieces[item];
        HVR_ASSIGN_OR_RETURN(const std::span<uint8_t> source_buffer, buffers.Get(worker, 0));
        HVR_ASSIGN_OR_RETURN(const std::span<uint8_t> destination_buffer, buffers.Get(worker, 1));
        const std::span<uint8_t> theirs = source_buffer.first(piece.length);
        const std::span<uint8_t> ours = destination_buffer.first(piece.length);
        // The source ends where it ends; past it, it reads as zeros.
        const uint64_t readable = piece.offset >= source_size ? 0 : std::min(piece.length, source_size - piece.offset);
        std::memset(theirs.data() + readable, 0, piece.length - readable);
        if (readable) HVR_RETURN_IF_ERROR(source.Read(piece.offset, theirs.first(readable)));
        HVR_RETURN_IF_ERROR(destination.Read(piece.offset, ours));
        read += readable;
        for (uint64_t at = 0; at < piece.length; at += chunk_size) {
          const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk_size, piece.length - at));
          if (std::memcmp(theirs.data() + at, ours.data() + at, n) == 0) continue;
          HVR_RETURN_IF_ERROR(WriteRun(destination, piece.offset + at, theirs.subspan(at, n)));
          written += n;
        }
        return Ok();
      }));
  return DiskSyncStats{read, written};
}

}  // namespace hvr
