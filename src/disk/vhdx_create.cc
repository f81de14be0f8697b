#include "disk/vhdx_create.hpp"

#include <bit>

#include "disk/disk_chain.hpp"
#include "disk/new_file.hpp"
#include "disk/parent_path.hpp"
#include "disk/vhdx_bat.hpp"
#include "disk/vhdx_header.hpp"
#include "disk/vhdx_image.hpp"
#include "disk/vhdx_region_table.hpp"
#include "hvr/version.hpp"
#include "util/endian.hpp"

namespace hvr {
namespace vhdx {

Result<DiskMetadata> MetadataFor(const VhdxCreateOptions& options) {
  const auto invalid = [](const std::string& what) { return Error(Code::kInvalidArgument, "new VHDX: " + what); };
  if (options.logical_sector_size != 512 && options.logical_sector_size != 4096) {
    return invalid("logical sector size must be 512 or 4096, not " + std::to_string(options.logical_sector_size));
  }
  if (options.physical_sector_size != 512 && options.physical_sector_size != 4096) {
    return invalid("physical sector size must be 512 or 4096, not " + std::to_string(options.physical_sector_size));
  }
  if (options.block_size < kMinBlockSize || options.block_size > kMaxBlockSize ||
      !std::has_single_bit(options.block_size)) {
    return invalid("block size must be a power of two from 1 MiB to 256 MiB, not " +
                   std::to_string(options.block_size));
  }
  if (options.virtual_size == 0 || options.virtual_size > kMaxVirtualSize ||
      options.virtual_size % options.logical_sector_size != 0) {
    return invalid("virtual size must be a multiple of the logical sector size up to 64 TiB, not " +
                   std::to_string(options.virtual_size));
  }
  if (options.log_size == 0 || options.log_size % kMiB != 0) {
    return invalid("log size must be a positive multiple of 1 MiB, not " + std::to_string(options.log_size));
  }
  DiskMetadata md;
  md.block_size = options.block_size;
  md.leave_block_allocated = options.fixed;
  md.virtual_size = options.virtual_size;
  md.virtual_disk_id = options.virtual_disk_id.value_or(Guid::Random());
  md.logical_sector_size = options.logical_sector_size;
  md.physical_sector_size = options.physical_sector_size;
  return md;
}

Status WriteNewImage(File& file, const DiskMetadata& metadata, uint32_t log_size) {
  const BatGeometry g = BatGeometry::For(metadata.virtual_size, metadata.block_size,
                                         metadata.logical_sector_size, metadata.has_parent);
  const Layout layout = LayoutFor(g, log_size);
  const bool fixed = metadata.leave_block_allocated && !metadata.has_parent;

  HVR_RETURN_IF_ERROR(file.WriteAt(kFileIdentifierOffset, EncodeFileIdentifier(std::string("hvr ") + VersionString())));
  Header header;
  header.file_write_guid = Guid::Random();
  header.data_write_guid = Guid::Random();
  header.log_length = layout.log_length;
  header.log_offset = layout.log_offset;
  for (int slot = 0; slot < 2; ++slot) {
    header.sequence_number = static_cast<uint64_t>(slot) + 1;
    HVR_RETURN_IF_ERROR(file.WriteAt(kHeaderOffsets[slot], EncodeHeader(header)));
  }
  const std::vector<uint8_t> regions = EncodeRegionTable({
      {kBatRegion, layout.bat_offset, layout.bat_length, true},
      {kMetadataRegion, layout.metadata_offset, layout.metadata_length, true},
  });
  for (const uint64_t offset : kRegionTableOffsets) HVR_RETURN_IF_ERROR(file.WriteAt(offset, regions));
  HVR_ASSIGN_OR_RETURN(const std::vector<uint8_t> md_bytes,
                       EncodeMetadataRegion(ItemsFor(metadata), layout.metadata_length));
  HVR_RETURN_IF_ERROR(file.WriteAt(layout.metadata_offset, md_bytes));

  uint64_t end = layout.payload_offset;
  if (fixed) {
    // Every block present, laid out in order after the BAT.
    std::vector<uint8_t> bat(static_cast<size_t>(g.BatBytes()), 0);
    for (uint64_t block = 0; block < g.payload_blocks; ++block) {
      StoreLE<uint64_t>(bat.data() + g.PayloadIndex(block) * 8,
                        MakeEntry(static_cast<uint8_t>(PayloadState::kFullyPresent),
                                  layout.payload_offset + block * g.block_size));
    }
    HVR_RETURN_IF_ERROR(file.WriteAt(layout.bat_offset, bat));
    end += g.payload_blocks * g.block_size;
    return file.Reserve(end);
  }
  return file.Truncate(end);  // the log, the BAT (every block not present) read as zeros
}

}  // namespace vhdx

Status CreateVhdx(const std::string& path, const VhdxCreateOptions& options) {
  HVR_ASSIGN_OR_RETURN(const vhdx::DiskMetadata metadata, vhdx::MetadataFor(options));
  HVR_ASSIGN_OR_RETURN(NewFile file, NewFile::Create(path, DiskFormat::kVhdx));
  HVR_RETURN_IF_ERROR(vhdx::WriteNewImage(file.file(), metadata, options.log_size));
  return file.Publish();
}

Status CreateDifferencingVhdx(const std::string& child_path, const std::string& parent_path,
                              const DifferencingOptions& options) {
  HVR_ASSIGN_OR_RETURN(auto parent, OpenDisk(parent_path));
  const DiskInfo& p = parent->info();
  if (p.format != DiskFormat::kVhdx) {
    return Error(Code::kUnsupported, parent_path + ": a differencing VHDX needs a VHDX parent, this is " +
                                         DiskFormatName(p.format));
  }
  VhdxCreateOptions create;
  create.virtual_size = p.virtual_size;
  create.block_size = options.block_size.value_or(p.block_size);
  create.logical_sector_size = p.logical_sector_size;
  create.physical_sector_size = p.physical_sector_size;
  // Forking copies the virtual disk's own metadata (MS-VHDX 2.6.1.2, IsVirtualDisk).
  create.virtual_disk_id = p.page83_id;
  HVR_ASSIGN_OR_RETURN(vhdx::DiskMetadata metadata, vhdx::MetadataFor(create));
  metadata.has_parent = true;
  vhdx::ParentLocator locator;
  locator.Set("parent_linkage", vhdx::BracedGuid(p.data_write_guid));
  locator.Set("relative_path", WindowsRelativePath(child_path, parent_path));
  locator.Set("absolute_win32_path", Win32AbsolutePath(parent_path));
  metadata.parent_locator = std::move(locator);
  HVR_ASSIGN_OR_RETURN(NewFile file, NewFile::Create(child_path, DiskFormat::kVhdx));
  HVR_RETURN_IF_ERROR(vhdx::WriteNewImage(file.file(), metadata, create.log_size));
  return file.Publish();
}

}  // namespace hvr
