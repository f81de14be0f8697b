// An open VHDX file: its structures, parsed and checked, and the block map built from its
// BAT and sector bitmaps. VhdxReader reads through it; VhdxWriter changes it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "disk/block_map.hpp"
#include "disk/disk_chain.hpp"
#include "disk/image_file.hpp"
#include "disk/vhdx_bat.hpp"
#include "disk/vhdx_header.hpp"
#include "disk/vhdx_metadata.hpp"
#include "disk/vhdx_region_table.hpp"
#include "hvr/disk.hpp"

namespace hvr::vhdx {

enum class OpenMode { kReadOnly, kWritable };

struct Image {
  explicit Image(ImageFile f) : file(std::move(f)) {}

  ImageFile file;
  CurrentHeader header;
  RegionTable regions;
  DiskMetadata metadata;
  BatGeometry geometry;
  std::vector<uint64_t> bat;  // every entry, interleaved as in the file
  BlockMap map;
  std::unique_ptr<DiskReader> parent;
  uint64_t structures_end = 0;  // first MiB after every structure the file holds
  DiskInfo info;

  const std::string& path() const { return file.path(); }
};

// Opens and checks a VHDX. Read-only: a log holding updates is replayed in memory.
// Writable: the headers are updated and the log replayed into the file, as MS-VHDX 2.3.3
// requires, before anything else.
Result<std::unique_ptr<Image>> LoadImage(const std::string& path, OpenMode mode, ChainContext& chain);

// Writes `next` as the new current header (MS-VHDX 2.2.2.1): into the non-current slot
// with the next sequence number, synced, then into the other slot the same way, so both
// copies are up to date.
Status WriteHeaders(Image& image, Header next);

// Offsets of the structures of a new file (MS-VHDX 2.1 leaves the layout free): header
// section, log, metadata region, BAT, then payload, each on a 1 MiB boundary.
struct Layout {
  uint64_t log_offset = 0;
  uint32_t log_length = 0;
  uint64_t metadata_offset = 0;
  uint32_t metadata_length = 0;
  uint64_t bat_offset = 0;
  uint32_t bat_length = 0;
  uint64_t payload_offset = 0;
};
Layout LayoutFor(const BatGeometry& geometry, uint32_t log_size);

// The DiskInfo of a loaded image (format, type, sizes, identity, parent).
DiskInfo MakeInfo(const Image& image);

// "{xxxxxxxx-...}", the form parent_linkage takes.
std::string BracedGuid(const Guid& guid);
// Parses a parent_linkage value, with or without braces.
Result<Guid> ParseLinkage(const std::string& value, const std::string& where);

}  // namespace hvr::vhdx
