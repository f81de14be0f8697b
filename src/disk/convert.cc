// Converting a disk to another format (ConvertDisk). Workers (ParallelFor) take pieces of
// the source's allocated ranges (RangePieces) in order, read each into their own buffer and write its
// non-zero runs to a new, all-zero destination, so zero data is never written and the
// destination stays sparse. Pieces are 256 KiB: small enough that a read's data is still
// in the CPU cache when it is written out (measured in docs/disk-io.md), large enough
// that system calls cost nothing.
#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "disk/disk_checks.hpp"
#include "disk/flat_create.hpp"
#include "disk/new_file.hpp"
#include "disk/vhdx_create.hpp"
#include "util/parallel.hpp"
#include "util/range_set.hpp"
#include "util/worker_buffers.hpp"
#include "util/worker_threads.hpp"
#include "util/zero.hpp"
#include "hvr/disk_convert.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"

namespace hvr {
namespace {

constexpr uint64_t kPiece = 256 * 1024;
constexpr uint64_t kMiB = 1 << 20;

Status LayOut(File& file, ConvertTarget target, const DiskInfo& source, uint64_t size, uint32_t block_size) {
  switch (target) {
    case ConvertTarget::kRaw:
      return LayOutRaw(file, size);
    case ConvertTarget::kVhdFixed:
      return LayOutFixedVhd(file, size);
    case ConvertTarget::kVhdxDynamic:
    case ConvertTarget::kVhdxFixed:
      break;
  }
  VhdxCreateOptions create;
  create.virtual_size = size;
  create.fixed = target == ConvertTarget::kVhdxFixed;
  if (block_size != 0) create.block_size = block_size;
  create.logical_sector_size = source.logical_sector_size == 4096 ? 4096 : 512;
  create.physical_sector_size = source.physical_sector_size == 512 ? 512 : 4096;
  HVR_ASSIGN_OR_RETURN(const vhdx::DiskMetadata metadata, vhdx::MetadataFor(create));
  return vhdx::WriteNewImage(file, metadata, create.log_size);
}

DiskFormat FormatOf(ConvertTarget target) {
  switch (target) {
    case ConvertTarget::kRaw:
      return DiskFormat::kRaw;
    case ConvertTarget::kVhdFixed:
      return DiskFormat::kVhd;
    case ConvertTarget::kVhdxDynamic:
    case ConvertTarget::kVhdxFixed:
      break;
  }
  return DiskFormat::kVhdx;
}

uint64_t TargetSize(ConvertTarget target, const DiskInfo& source) {
  switch (target) {
    case ConvertTarget::kRaw:
      return source.virtual_size;
    case ConvertTarget::kVhdFixed:
      return RoundUp(std::max<uint64_t>(source.virtual_size, 1), kMiB);
    case ConvertTarget::kVhdxDynamic:
    case ConvertTarget::kVhdxFixed:
      break;
  }
  return RoundUp(std::max<uint64_t>(source.virtual_size, 1), source.logical_sector_size == 4096 ? 4096 : 512);
}

}  // namespace

const char* ConvertTargetName(ConvertTarget target) {
  switch (target) {
    case ConvertTarget::kRaw:
      return "raw";
    case ConvertTarget::kVhdxDynamic:
      return "vhdx";
    case ConvertTarget::kVhdxFixed:
      return "vhdx-fixed";
    case ConvertTarget::kVhdFixed:
      return "vhd-fixed";
  }
  return "unknown";
}

Status ConvertOptions::Validate() const { return ValidateWorkerThreads(threads, "convert options"); }

Result<ConvertStats> ConvertDisk(const DiskReader& source, const std::string& destination,
                                 const ConvertOptions& options) {
  HVR_RETURN_IF_ERROR(options.Validate());
  ConvertStats stats;
  stats.virtual_size = TargetSize(options.target, source.info());
  HVR_ASSIGN_OR_RETURN(const RangeList ranges, source.AllocatedRanges());
  const uint64_t total = TotalLength(ranges);

  const DiskFormat format = FormatOf(options.target);
  HVR_ASSIGN_OR_RETURN(NewFile file, NewFile::Create(destination, format, options.overwrite));
  HVR_RETURN_IF_ERROR(LayOut(file.file(), options.target, source.info(), stats.virtual_size, options.block_size));
  // The temporary name ends in .tmp, which says nothing of the format.
  WriteOptions write;
  write.open.format = format;
  HVR_ASSIGN_OR_RETURN(auto writer, OpenDiskForWrite(file.temp_path(), write));

  // One worker per core, up to four: a conversion is bound by the disk beyond that.
  const unsigned requested = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                                 : std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  const RangePieces pieces(ranges, kPiece);
  const unsigned workers = WorkerCount(requested, pieces.count());
  WorkerBuffers buffers(kPiece, workers, 1);
  ProgressMeter progress(options.progress, total);
  std::atomic<uint64_t> written{0};
  HVR_RETURN_IF_ERROR(ParallelFor(
      pieces.count(), workers, options.cancel, "convert", [&](uint64_t item, unsigned worker) -> Status {
        const ByteRange piece = pieces[item];
        HVR_ASSIGN_OR_RETURN(const std::span<uint8_t> whole, buffers.Get(worker, 0));
        const std::span<uint8_t> data = whole.first(static_cast<size_t>(piece.length));
        HVR_RETURN_IF_ERROR(source.Read(piece.offset, data));
        HVR_RETURN_IF_ERROR(ForEachZeroRun(piece.offset, data, [&](uint64_t at, uint64_t length, bool zero) -> Status {
          if (zero) return Ok();  // the destination is all zeros already
          written += length;
          return writer->Write(at, data.subspan(static_cast<size_t>(at - piece.offset), static_cast<size_t>(length)));
        }));
        progress.Add(piece.length);
        return Ok();
      }));

  // VHDX metadata always commits through its log, which syncs; raw and fixed VHD
  // destinations sync only when asked.
  if (options.sync || writer->info().format == DiskFormat::kVhdx) HVR_RETURN_IF_ERROR(writer->Close());
  writer.reset();
  HVR_RETURN_IF_ERROR(file.Publish(options.sync));
  stats.bytes_read = total;
  stats.bytes_written = written;
  if (options.progress && total == 0) options.progress(0, 0);
  return stats;
}

}  // namespace hvr
