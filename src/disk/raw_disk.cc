#include "disk/raw_disk.hpp"

#include <algorithm>

#include "disk/disk_checks.hpp"
#include "util/range_set.hpp"
#include "util/zero.hpp"

namespace hvr {

Result<std::vector<ByteRange>> FileDataRanges(const File& file, uint64_t size) {
  HVR_ASSIGN_OR_RETURN(const auto data, file.DataRanges());
  RangeList ranges;
  ranges.reserve(data.size());
  for (const auto& [offset, length] : data) AppendRange(ranges, offset, length);
  return ClipRanges(ranges, size);
}

Result<std::unique_ptr<RawDisk>> RawDisk::Open(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kRead));
  HVR_ASSIGN_OR_RETURN(const uint64_t size, file.Size());
  DiskInfo info;
  info.path = path;
  info.format = DiskFormat::kRaw;
  info.type = DiskType::kFixed;
  info.virtual_size = size;
  return Over(std::move(file), std::move(info));
}

std::unique_ptr<RawDisk> RawDisk::Over(File file, DiskInfo info) {
  return std::unique_ptr<RawDisk>(new RawDisk(std::move(file), std::move(info)));
}

Status RawDisk::Read(uint64_t offset, std::span<uint8_t> out) const {
  HVR_RETURN_IF_ERROR(CheckRange(info_, offset, out.size()));
  return file_.ReadAt(offset, out);
}

Result<std::vector<ByteRange>> RawDisk::AllocatedRanges() const {
  return FileDataRanges(file_, info_.virtual_size);
}

std::unique_ptr<FlatWriter> FlatWriter::Over(File file, DiskInfo info) {
  return std::unique_ptr<FlatWriter>(new FlatWriter(std::move(file), std::move(info)));
}

Status FlatWriter::Read(uint64_t offset, std::span<uint8_t> out) const {
  HVR_RETURN_IF_ERROR(CheckRange(info_, offset, out.size()));
  return file_.ReadAt(offset, out);
}

Result<std::vector<ByteRange>> FlatWriter::AllocatedRanges() const {
  return FileDataRanges(file_, info_.virtual_size);
}

Status FlatWriter::Write(uint64_t offset, std::span<const uint8_t> data) {
  if (closed_) return Error(Code::kInvalidArgument, info_.path + ": the writer is closed");
  HVR_RETURN_IF_ERROR(CheckRange(info_, offset, data.size()));
  return ForEachZeroRun(offset, data, [&](uint64_t at, uint64_t length, bool zero) -> Status {
    if (zero) return file_.PunchHole(at, length);
    return file_.WriteAt(at, data.subspan(static_cast<size_t>(at - offset), static_cast<size_t>(length)));
  });
}

Status FlatWriter::WriteZeros(uint64_t offset, uint64_t length) {
  if (closed_) return Error(Code::kInvalidArgument, info_.path + ": the writer is closed");
  HVR_RETURN_IF_ERROR(CheckRange(info_, offset, length));
  return file_.PunchHole(offset, length);
}

Status FlatWriter::Flush() {
  if (closed_) return Error(Code::kInvalidArgument, info_.path + ": the writer is closed");
  return file_.Sync();
}

Status FlatWriter::Close() {
  if (closed_.exchange(true)) return Error(Code::kInvalidArgument, info_.path + ": the writer is closed");
  return file_.Sync();
}

}  // namespace hvr
