#include <array>

#include "disk/raw_disk.hpp"
#include "hvr/disk.hpp"

namespace hvr {

const char* DiskFormatName(DiskFormat format) {
  switch (format) {
    case DiskFormat::kRaw:
      return "raw";
    case DiskFormat::kVhd:
      return "vhd";
    case DiskFormat::kVhdx:
      return "vhdx";
  }
  return "unknown";
}

const char* DiskTypeName(DiskType type) {
  switch (type) {
    case DiskType::kFixed:
      return "fixed";
    case DiskType::kDynamic:
      return "dynamic";
    case DiskType::kDifferencing:
      return "differencing";
  }
  return "unknown";
}

Result<std::unique_ptr<DiskReader>> OpenDisk(const std::string& path) {
  // VHDX and VHD detection joins here as their readers land; anything else is raw.
  HVR_ASSIGN_OR_RETURN(auto raw, RawDisk::Open(path));
  return std::unique_ptr<DiskReader>(std::move(raw));
}

}  // namespace hvr
