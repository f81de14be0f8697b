#include "disk/raw_disk.hpp"

#include <algorithm>

namespace hvr {

Result<std::unique_ptr<RawDisk>> RawDisk::Open(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kRead));
  HVR_ASSIGN_OR_RETURN(const uint64_t size, file.Size());
  DiskInfo info;
  info.path = path;
  info.format = DiskFormat::kRaw;
  info.type = DiskType::kFixed;
  info.virtual_size = size;
  return std::unique_ptr<RawDisk>(new RawDisk(std::move(file), std::move(info)));
}

Status RawDisk::Read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > info_.virtual_size || out.size() > info_.virtual_size - offset) {
    return Error(Code::kInvalidArgument,
                 info_.path + ": read of " + std::to_string(out.size()) + " bytes at offset " +
                     std::to_string(offset) + " is beyond the virtual size " +
                     std::to_string(info_.virtual_size));
  }
  return file_.ReadAt(offset, out);
}

Result<std::vector<ByteRange>> RawDisk::AllocatedRanges() const {
  HVR_ASSIGN_OR_RETURN(const auto data, file_.DataRanges());
  std::vector<ByteRange> ranges;
  ranges.reserve(data.size());
  for (const auto& [offset, length] : data) ranges.push_back({offset, length});
  return ranges;
}

}  // namespace hvr
