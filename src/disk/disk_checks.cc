#include "disk/disk_checks.hpp"

#include <algorithm>

namespace hvr {

Status CheckRange(const DiskInfo& info, uint64_t offset, uint64_t length) {
  if (offset > info.virtual_size || length > info.virtual_size - offset) {
    return Error(Code::kInvalidArgument, info.path + ": " + std::to_string(length) + " bytes at offset " +
                                             std::to_string(offset) + " are beyond the virtual size " +
                                             std::to_string(info.virtual_size));
  }
  return Ok();
}

std::string Extent::Name() const {
  std::string name(what);
  if (index >= 0) name += " " + std::to_string(index);
  return name;
}

Status CheckNoOverlap(std::vector<Extent> extents, const std::string& path) {
  std::sort(extents.begin(), extents.end(), [](const Extent& a, const Extent& b) { return a.offset < b.offset; });
  for (size_t i = 1; i < extents.size(); ++i) {
    const Extent& a = extents[i - 1];
    const Extent& b = extents[i];
    if (a.offset + a.length > b.offset) {
      return Error(Code::kCorruptData, path + ": " + a.Name() + " at offset " + std::to_string(a.offset) + " (" +
                                           std::to_string(a.length) + " bytes) overlaps " + b.Name() +
                                           " at offset " + std::to_string(b.offset));
    }
  }
  return Ok();
}

Status CheckNameClaims(const std::string& path, DiskFormat format) {
  const auto named = DiskFormatOfName(path);
  if (!named || *named == format) return Ok();
  return Error(Code::kInvalidArgument, path + ": the name says " + DiskFormatName(*named) + ", not " +
                                           DiskFormatName(format) + ", and would be opened as " +
                                           DiskFormatName(*named) + " (docs/disk-io.md)");
}

}  // namespace hvr
