// Virtual disks: one reader interface over raw images, VHD and VHDX (differencing chains
// included). Writing and creating images: hvr/disk_writer.hpp, hvr/disk_create.hpp;
// converting: hvr/disk_convert.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
  // which is how untracked modification is detected (docs/session.md).
  Guid data_write_guid;
  Guid file_write_guid;
  Guid page83_id;
  Guid unique_id;  // VHD footer unique id
  std::optional<std::string> parent_path;  // differencing disks: the resolved parent
  // Differencing disks: the parent identity the child records and that was checked
  // (VHDX parent_linkage, the parent's DataWriteGuid; VHD the parent's unique id).
  Guid parent_identity;
  // VHDX: the log held updates when opened; a read-only open replayed them in memory.
  bool log_replayed = false;
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
  // them reads as zeros. For a fixed image that cannot tell, the whole disk. A
  // differencing disk reports its own data and its parent's that it does not hide.
  virtual Result<std::vector<ByteRange>> AllocatedRanges() const = 0;

  // The parent of a differencing disk (opened and checked with it), else null.
  virtual const DiskReader* parent() const { return nullptr; }
};

struct OpenDiskOptions {
  // The image's format, when the caller knows it. Unset: the file's extension says it
  // (DiskFormatOfName), else its content does (VHDX's file type identifier, a VHD footer
  // cookie); a file with neither is kInvalidArgument, because it may be a damaged
  // container as well as a raw disk. Either way an image taken for VHDX or VHD must be
  // one: damage is an error naming the file, offset and field, never a raw read of the
  // container. The parents of a differencing disk are chosen by name and content.
  std::optional<DiskFormat> format;
  // Longest chain of differencing disks followed before giving up (a chain is also
  // checked for cycles, so this only bounds honest but absurd chains).
  int max_chain_depth = 64;
  // VHD children record their parent's time stamp besides its unique id; some writers
  // record the parent file's modification time, which a copy may not keep. Turn this off
  // to rely on the unique id alone.
  bool check_vhd_parent_timestamp = true;
};

// Opens a disk image read-only, as raw, VHD or VHDX (OpenDiskOptions::format). A differencing
// disk opens its parents (relative locator first, then absolute) and checks their
// identity; a missing or changed parent is kBrokenChain naming both files. A VHDX whose
// log holds updates is replayed in memory; the file is not modified.
Result<std::unique_ptr<DiskReader>> OpenDisk(const std::string& path,
                                             const OpenDiskOptions& options = {});

// The format OpenDisk would open an image as (OpenDiskOptions::format), without checking
// that the image is one.
Result<DiskFormat> DetectDiskFormat(const std::string& path, const OpenDiskOptions& options = {});

// The format a file's name claims (docs/disk-io.md): .vhdx and .avhdx VHDX, .vhd and
// .avhd VHD, .raw, .img and .bin raw, in any case; nullopt for any other name.
std::optional<DiskFormat> DiskFormatOfName(std::string_view path);

}  // namespace hvr
