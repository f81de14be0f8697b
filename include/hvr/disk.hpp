// Virtual disks: one reader interface over raw images, VHD and VHDX (differencing chains
// included). Opened by content, never by file name.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hvr/error.hpp"
#include "hvr/guid.hpp"

namespace hvr {

// A half-open byte range [offset, offset + length) of a virtual disk.
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t end() const { return offset + length; }
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

enum class DiskFormat { kRaw, kVhd, kVhdx };
enum class DiskType { kFixed, kDynamic, kDifferencing };

const char* DiskFormatName(DiskFormat format);  // "raw", "vhd", "vhdx"
const char* DiskTypeName(DiskType type);        // "fixed", "dynamic", "differencing"

struct DiskInfo {
  std::string path;
  DiskFormat format = DiskFormat::kRaw;
  DiskType type = DiskType::kFixed;
  uint64_t virtual_size = 0;
  uint32_t logical_sector_size = 512;
  uint32_t physical_sector_size = 512;
  uint32_t block_size = 0;  // allocation unit of dynamic formats; 0 for raw and fixed VHD
  // Identity. VHDX: DataWriteGuid changes whenever the virtual content may have changed,
  // which is how untracked modification is detected (REQUIREMENTS.md §5).
  Guid data_write_guid;
  Guid file_write_guid;
  Guid page83_id;
  Guid unique_id;  // VHD footer unique id
  std::optional<std::string> parent_path;  // differencing disks: the resolved parent
};

class DiskReader {
 public:
  virtual ~DiskReader() = default;

  virtual const DiskInfo& info() const = 0;

  // Reads out.size() bytes of virtual content at `offset`; unallocated space reads as
  // zeros. Fails with kInvalidArgument past the virtual size. Thread-safe: parallel
  // readers (chunk hashing, uploads) share one DiskReader.
  virtual Status Read(uint64_t offset, std::span<uint8_t> out) const = 0;

  // The ranges that may hold non-zero data, sorted and disjoint; everything outside
  // them reads as zeros. For a fixed image that cannot tell, the whole disk.
  virtual Result<std::vector<ByteRange>> AllocatedRanges() const = 0;
};

// Opens a disk image read-only, detecting raw, VHD or VHDX by content.
Result<std::unique_ptr<DiskReader>> OpenDisk(const std::string& path);

}  // namespace hvr
