#include "disk/vhdx_image.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "disk/disk_checks.hpp"
#include "disk/parent_path.hpp"
#include "disk/vhdx_log.hpp"
#include "util/endian.hpp"
#include "util/hex.hpp"

namespace hvr::vhdx {
namespace {

Result<Header> ReadHeader(const ImageFile& file, int slot) {
  std::array<uint8_t, kHeaderSize> bytes{};
  HVR_RETURN_IF_ERROR(file.ReadAt(kHeaderOffsets[slot], bytes));
  return DecodeHeader(bytes, file.path() + ": header at offset " + std::to_string(kHeaderOffsets[slot]));
}

Result<RegionTable> ReadRegionTable(const ImageFile& file) {
  std::vector<uint8_t> bytes(kRegionTableSize);
  std::string errors;
  for (int copy = 0; copy < 2; ++copy) {
    HVR_RETURN_IF_ERROR(file.ReadAt(kRegionTableOffsets[copy], bytes));
    auto table = DecodeRegionTable(
        bytes, file.path() + ": region table at offset " + std::to_string(kRegionTableOffsets[copy]),
        file.size());
    if (table.ok() || table.error().code() != Code::kCorruptData) return table;
    errors += (errors.empty() ? "" : "; ") + table.error().message();
  }
  return Error(Code::kCorruptData, errors);
}

// Replays a pending log: in memory for read-only opens, into the file for writable ones
// (after the header update that must precede any modification).
Status ReplayLog(Image& image, OpenMode mode) {
  HVR_ASSIGN_OR_RETURN(auto active, FindActiveLog(image.file, image.header.header));
  if (!active) return Ok();
  image.info.log_replayed = true;
  if (mode == OpenMode::kReadOnly) {
    ReplayInMemory(*active, image.file);
    return Ok();
  }
  Header next = image.header.header;
  next.file_write_guid = Guid::Random();
  HVR_RETURN_IF_ERROR(WriteHeaders(image, next));
  HVR_RETURN_IF_ERROR(ReplayIntoFile(*active, image.file));
  next = image.header.header;
  next.log_guid = Guid();  // replayed: the log is empty now
  return WriteHeaders(image, next);
}

// Fills the block map from the BAT, checking every entry, and loads the sector bitmaps
// of partially present blocks.
Status BuildBlockMap(Image& image, std::vector<Extent>& extents) {
  const BatGeometry& g = image.geometry;
  const bool differencing = image.metadata.has_parent;
  const std::string& path = image.path();
  image.map = BlockMap(g.virtual_size, g.block_size, g.logical_sector_size);
  const uint64_t file_size = image.file.size();
  const auto entry_error = [&](uint64_t index, const char* what, uint64_t number, const std::string& detail) {
    return Error(Code::kCorruptData, path + ": BAT entry " + std::to_string(index) + " (" + what + " " +
                                         std::to_string(number) + ") at offset " +
                                         std::to_string(image.regions.bat.file_offset + index * 8) + ": " + detail);
  };
  const auto outside = [&](uint64_t offset) {
    return "FileOffsetMB " + std::to_string(offset >> 20) + " places the block outside the file (size " +
           std::to_string(file_size) + ")";
  };
  std::vector<uint64_t> partial_chunks;
  for (uint64_t block = 0; block < g.payload_blocks; ++block) {
    const uint64_t index = g.PayloadIndex(block);
    const uint64_t entry = image.bat[index];
    const auto state = static_cast<PayloadState>(EntryState(entry));
    const uint64_t offset = EntryFileOffset(entry);
    switch (state) {
      case PayloadState::kNotPresent:
        break;  // kAbsent: the parent's, or zeros
      case PayloadState::kUndefined:
      case PayloadState::kZero:
      case PayloadState::kUnmapped:
        image.map.Set(block, BlockState::kZero, 0);
        break;
      case PayloadState::kFullyPresent:
      case PayloadState::kPartiallyPresent: {
        if (state == PayloadState::kPartiallyPresent && !differencing) {
          return entry_error(index, "payload block", block,
                             "State PAYLOAD_BLOCK_PARTIALLY_PRESENT (7) is only valid in a differencing file");
        }
        const uint64_t used = RoundUp(image.map.BlockLength(block), kAlignment);
        if (offset < kHeaderSectionSize || offset > file_size || used > file_size - offset) {
          return entry_error(index, "payload block", block, outside(offset));
        }
        extents.push_back({offset, used, "payload block", static_cast<int64_t>(block)});
        if (state == PayloadState::kFullyPresent) {
          image.map.Set(block, BlockState::kPresent, offset);
        } else {
          image.map.Set(block, BlockState::kPartial, offset);
          const uint64_t chunk = block / g.chunk_ratio;
          if (partial_chunks.empty() || partial_chunks.back() != chunk) partial_chunks.push_back(chunk);
        }
        break;
      }
      default:
        return entry_error(index, "payload block", block,
                           "State " + std::to_string(EntryState(entry)) + " is reserved");
    }
  }
  for (uint64_t chunk = 0; chunk < g.bitmap_blocks; ++chunk) {
    const uint64_t index = g.BitmapIndex(chunk);
    if (index >= g.entries) break;  // fixed and dynamic files may end before it
    const uint64_t entry = image.bat[index];
    if (EntryState(entry) == kBitmapNotPresent) continue;
    if (EntryState(entry) != kBitmapPresent || !differencing) {
      return entry_error(index, "sector bitmap block", chunk,
                         "State " + std::to_string(EntryState(entry)) + " is not valid for a " +
                             (differencing ? "sector bitmap" : "non-differencing file's sector bitmap"));
    }
    const uint64_t offset = EntryFileOffset(entry);
    if (offset < kHeaderSectionSize || offset > file_size || kSectorBitmapBlockSize > file_size - offset) {
      return entry_error(index, "sector bitmap block", chunk, outside(offset));
    }
    extents.push_back({offset, kSectorBitmapBlockSize, "sector bitmap block", static_cast<int64_t>(chunk)});
  }
  // Bitmaps of partial blocks: one read of each sector bitmap block they need.
  std::vector<uint8_t> bitmap_block(kSectorBitmapBlockSize);
  for (const uint64_t chunk : partial_chunks) {
    const uint64_t entry = image.bat[g.BitmapIndex(chunk)];
    if (EntryState(entry) != kBitmapPresent) {
      return entry_error(g.BitmapIndex(chunk), "sector bitmap block", chunk,
                         "not present, yet payload blocks of its chunk are partially present");
    }
    HVR_RETURN_IF_ERROR(image.file.ReadAt(EntryFileOffset(entry), bitmap_block));
    const uint64_t first = chunk * g.chunk_ratio;
    const uint64_t last = std::min(first + g.chunk_ratio, g.payload_blocks);
    for (uint64_t block = first; block < last; ++block) {
      if (image.map.state(block) != BlockState::kPartial) continue;
      std::vector<uint64_t>& bits = image.map.MutableBitmap(block);
      const uint8_t* src = bitmap_block.data() + g.BitmapByteOffset(block);
      for (size_t w = 0; w < bits.size(); ++w) bits[w] = LoadLE<uint64_t>(src + w * 8);
    }
  }
  return Ok();
}

Status OpenParent(Image& image, ChainContext& chain) {
  const std::string& path = image.path();
  const ParentLocator& locator = *image.metadata.parent_locator;
  const std::string where = path + ": parent locator";
  const std::string* linkage = locator.Find("parent_linkage");
  if (linkage == nullptr) {
    return Error(Code::kCorruptData, where + ": the parent_linkage entry is missing");
  }
  HVR_ASSIGN_OR_RETURN(const Guid expected, ParseLinkage(*linkage, where + ": parent_linkage"));
  std::optional<Guid> expected2;
  if (const std::string* second = locator.Find("parent_linkage2")) {
    HVR_ASSIGN_OR_RETURN(expected2, ParseLinkage(*second, where + ": parent_linkage2"));
  }
  image.info.parent_identity = expected;
  // MS-VHDX 2.6.2.6.3: relative_path, then volume_path, then absolute_win32_path.
  std::vector<ParentPathHint> hints;
  for (const char* key : {"relative_path", "volume_path", "absolute_win32_path"}) {
    if (const std::string* value = locator.Find(key)) {
      hints.push_back({key, *value, std::string(key) == "relative_path"});
    }
  }
  HVR_ASSIGN_OR_RETURN(const std::string parent_path, FindParentFile(path, hints));
  HVR_ASSIGN_OR_RETURN(auto parent, OpenInChain(parent_path, chain));
  const DiskInfo& pinfo = parent->info();
  const std::string pair = path + " and its parent " + parent_path;
  if (pinfo.format != DiskFormat::kVhdx) {
    return Error(Code::kBrokenChain, pair + ": the parent of a VHDX must be a VHDX, found " +
                                         DiskFormatName(pinfo.format));
  }
  if (pinfo.data_write_guid != expected && (!expected2 || pinfo.data_write_guid != *expected2)) {
    return Error(Code::kBrokenChain,
                 pair + ": the parent changed since the child was made: parent_linkage " +
                     expected.ToString() + (expected2 ? " (or " + expected2->ToString() + ")" : "") +
                     ", the parent's DataWriteGuid " + pinfo.data_write_guid.ToString());
  }
  if (pinfo.logical_sector_size != image.metadata.logical_sector_size) {
    return Error(Code::kBrokenChain, pair + ": logical sector sizes differ (" +
                                         std::to_string(image.metadata.logical_sector_size) + " and " +
                                         std::to_string(pinfo.logical_sector_size) + ")");
  }
  image.info.parent_path = parent_path;
  image.parent = std::move(parent);
  return Ok();
}

}  // namespace

std::string BracedGuid(const Guid& guid) { return "{" + guid.ToString() + "}"; }

Result<Guid> ParseLinkage(const std::string& value, const std::string& where) {
  auto guid = Guid::Parse(value);
  if (!guid.ok()) {
    return Error(Code::kCorruptData, where + ": expected a GUID such as {83ed0ec3-24c8-49a6-a959-5e4bf1288bfb}, found \"" +
                                         value + "\"");
  }
  return *guid;
}

Status WriteHeaders(Image& image, Header next) {
  for (int round = 0; round < 2; ++round) {
    next.sequence_number = image.header.header.sequence_number + 1;
    const int slot = 1 - image.header.slot;
    const auto bytes = EncodeHeader(next);
    HVR_RETURN_IF_ERROR(image.file.WriteAt(kHeaderOffsets[slot], bytes));
    HVR_RETURN_IF_ERROR(image.file.Sync());
    image.header = {next, slot};
  }
  return Ok();
}

Layout LayoutFor(const BatGeometry& geometry, uint32_t log_size) {
  Layout layout;
  layout.log_offset = kHeaderSectionSize;
  layout.log_length = log_size;
  layout.metadata_offset = layout.log_offset + log_size;
  layout.metadata_length = static_cast<uint32_t>(kMiB);
  layout.bat_offset = layout.metadata_offset + layout.metadata_length;
  layout.bat_length = static_cast<uint32_t>(RoundUp(std::max<uint64_t>(geometry.BatBytes(), 1), kAlignment));
  layout.payload_offset = layout.bat_offset + layout.bat_length;
  return layout;
}

DiskInfo MakeInfo(const Image& image) {
  DiskInfo info = image.info;
  info.path = image.path();
  info.format = DiskFormat::kVhdx;
  info.type = image.metadata.has_parent          ? DiskType::kDifferencing
              : image.metadata.leave_block_allocated ? DiskType::kFixed
                                                     : DiskType::kDynamic;
  info.virtual_size = image.metadata.virtual_size;
  info.logical_sector_size = image.metadata.logical_sector_size;
  info.physical_sector_size = image.metadata.physical_sector_size;
  info.block_size = image.metadata.block_size;
  info.data_write_guid = image.header.header.data_write_guid;
  info.file_write_guid = image.header.header.file_write_guid;
  info.page83_id = image.metadata.virtual_disk_id;
  return info;
}

Result<std::unique_ptr<Image>> LoadImage(const std::string& path, OpenMode mode, ChainContext& chain) {
  HVR_ASSIGN_OR_RETURN(ImageFile file, ImageFile::Open(path, mode == OpenMode::kWritable
                                                                 ? File::Mode::kReadWrite
                                                                 : File::Mode::kRead));
  auto image = std::make_unique<Image>(std::move(file));
  ImageFile& f = image->file;
  std::array<uint8_t, 8> signature{};
  if (f.size() < signature.size()) {
    return Error(Code::kCorruptData, path + ": " + std::to_string(f.size()) + " bytes is too short for a VHDX");
  }
  HVR_RETURN_IF_ERROR(f.ReadAt(0, signature));
  HVR_RETURN_IF_ERROR(CheckFileIdentifier(signature, path));
  if (f.size() < kHeaderSectionSize) {
    return Error(Code::kCorruptData, path + ": " + std::to_string(f.size()) +
                                         " bytes is shorter than the 1 MiB header section");
  }
  HVR_ASSIGN_OR_RETURN(image->header, SelectCurrentHeader(ReadHeader(f, 0), ReadHeader(f, 1), path, f.size()));
  HVR_RETURN_IF_ERROR(ReplayLog(*image, mode));

  HVR_ASSIGN_OR_RETURN(image->regions, ReadRegionTable(f));
  const RegionEntry& md_region = image->regions.metadata;
  std::vector<uint8_t> md_bytes(md_region.length);
  HVR_RETURN_IF_ERROR(f.ReadAt(md_region.file_offset, md_bytes));
  HVR_ASSIGN_OR_RETURN(image->metadata,
                       DecodeMetadataRegion(md_bytes, path + ": metadata region at offset " +
                                                          std::to_string(md_region.file_offset)));
  const DiskMetadata& md = image->metadata;
  image->geometry = BatGeometry::For(md.virtual_size, md.block_size, md.logical_sector_size, md.has_parent);
  const BatGeometry& g = image->geometry;
  const RegionEntry& bat_region = image->regions.bat;
  if (bat_region.length < g.BatBytes()) {
    return Error(Code::kCorruptData, path + ": BAT region at offset " + std::to_string(bat_region.file_offset) +
                                         ": Length " + std::to_string(bat_region.length) + " cannot hold the " +
                                         std::to_string(g.entries) + " entries a disk of " +
                                         std::to_string(md.virtual_size) + " bytes needs");
  }
  // Read straight into the table (a large disk's BAT is tens of MiB): the entries are
  // little-endian, as they are in memory on the hosts hvr runs on; others swap them.
  image->bat.resize(static_cast<size_t>(g.entries));
  HVR_RETURN_IF_ERROR(f.ReadAt(bat_region.file_offset,
                               std::span(reinterpret_cast<uint8_t*>(image->bat.data()), image->bat.size() * 8)));
  if constexpr (std::endian::native != std::endian::little) {
    for (uint64_t& entry : image->bat) entry = LoadLE<uint64_t>(reinterpret_cast<const uint8_t*>(&entry));
  }

  std::vector<Extent> extents = {{0, kHeaderSectionSize, "the header section"}};
  const Header& h = image->header.header;
  if (h.log_length > 0) extents.push_back({h.log_offset, h.log_length, "the log"});
  for (size_t i = 0; i < image->regions.entries.size(); ++i) {
    const RegionEntry& region = image->regions.entries[i];
    if (region.guid == kBatRegion) {
      extents.push_back({region.file_offset, region.length, "the BAT region"});
    } else if (region.guid == kMetadataRegion) {
      extents.push_back({region.file_offset, region.length, "the metadata region"});
    } else {
      extents.push_back({region.file_offset, region.length, "region table entry", static_cast<int64_t>(i)});
    }
  }
  HVR_RETURN_IF_ERROR(BuildBlockMap(*image, extents));
  for (const Extent& e : extents) image->structures_end = std::max(image->structures_end, e.offset + e.length);
  HVR_RETURN_IF_ERROR(CheckNoOverlap(std::move(extents), path));

  if (md.has_parent) HVR_RETURN_IF_ERROR(OpenParent(*image, chain));
  image->info = MakeInfo(*image);
  return image;
}

}  // namespace hvr::vhdx
