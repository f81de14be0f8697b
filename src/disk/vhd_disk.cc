#include "disk/vhd_disk.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "disk/disk_checks.hpp"
#include "disk/parent_path.hpp"
#include "disk/raw_disk.hpp"
#include "disk/sector_writes.hpp"
#include "disk/utf16.hpp"
#include "util/zero.hpp"
#include "util/endian.hpp"

namespace hvr {
namespace {

constexpr uint64_t kSector = 512;
constexpr uint64_t kMaxVhdSize = uint64_t{64} << 40;   // beyond any VHD, fixed ones for Azure included
constexpr uint32_t kMaxLocatorBytes = 64 * 1024;       // a path, however long

// VHD bitmaps are most-significant-bit first (bit 7 of byte 0 is sector 0); the block map
// keeps least-significant-bit-first words.
uint8_t ReverseBits(uint8_t b) {
  b = static_cast<uint8_t>((b & 0xF0) >> 4 | (b & 0x0F) << 4);
  b = static_cast<uint8_t>((b & 0xCC) >> 2 | (b & 0x33) << 2);
  return static_cast<uint8_t>((b & 0xAA) >> 1 | (b & 0x55) << 1);
}

DiskInfo VhdInfo(const std::string& path, const vhd::Footer& footer) {
  DiskInfo info;
  info.path = path;
  info.format = DiskFormat::kVhd;
  info.type = footer.disk_type == vhd::DiskType::kFixed     ? DiskType::kFixed
              : footer.disk_type == vhd::DiskType::kDynamic ? DiskType::kDynamic
                                                            : DiskType::kDifferencing;
  info.virtual_size = footer.current_size;
  info.unique_id = footer.unique_id;
  return info;
}

Status CheckVirtualSize(const std::string& path, const vhd::Footer& footer) {
  if (footer.current_size == 0 || footer.current_size % kSector != 0 || footer.current_size > kMaxVhdSize) {
    return Error(Code::kCorruptData, path + ": footer: Current Size expected a positive multiple of 512 up to 64 TiB, found " +
                                         std::to_string(footer.current_size));
  }
  return Ok();
}

// A fixed VHD is flat: its data is everything before the footer.
Result<DiskInfo> FixedVhdInfo(const std::string& path, const vhd::Footer& footer, uint64_t footer_offset) {
  HVR_RETURN_IF_ERROR(CheckVirtualSize(path, footer));
  if (footer.current_size > footer_offset) {
    return Error(Code::kCorruptData, path + ": footer: Current Size " + std::to_string(footer.current_size) +
                                         " is larger than the " + std::to_string(footer_offset) +
                                         " bytes before the footer");
  }
  return VhdInfo(path, footer);
}

// The parent's paths, most reliable first: relative, absolute, deprecated forms, a file
// URL, and last the parent's name beside the child.
Result<std::vector<ParentPathHint>> ParentHints(const VhdImage& image) {
  std::vector<ParentPathHint> hints;
  const ImageFile& file = image.file;
  for (const uint32_t code : {vhd::kPlatformW2ru, vhd::kPlatformW2ku, vhd::kPlatformWi2r, vhd::kPlatformWi2k,
                              vhd::kPlatformMacX}) {
    for (size_t i = 0; i < image.header.locators.size(); ++i) {
      const vhd::LocatorEntry& e = image.header.locators[i];
      if (e.platform_code != code || e.data_length == 0) continue;
      if (e.data_length > kMaxLocatorBytes || e.data_offset > file.size() || e.data_length > file.size() - e.data_offset) {
        return Error(Code::kCorruptData, file.path() + ": dynamic header: parent locator " + std::to_string(i) +
                                             ": Platform Data Offset " + std::to_string(e.data_offset) + " and Length " +
                                             std::to_string(e.data_length) + " lie outside the file");
      }
      std::vector<uint8_t> bytes(e.data_length);
      HVR_RETURN_IF_ERROR(file.ReadAt(e.data_offset, bytes));
      const bool utf16 = code == vhd::kPlatformW2ru || code == vhd::kPlatformW2ku;
      std::string value = utf16 ? Utf16LeToUtf8(bytes) : std::string(bytes.begin(), bytes.end());
      value.erase(std::find(value.begin(), value.end(), '\0'), value.end());
      const char* key = code == vhd::kPlatformW2ru   ? "W2ru"
                        : code == vhd::kPlatformW2ku ? "W2ku"
                        : code == vhd::kPlatformWi2r ? "Wi2r"
                        : code == vhd::kPlatformWi2k ? "Wi2k"
                                                     : "MacX";
      hints.push_back({key, value, code == vhd::kPlatformW2ru || code == vhd::kPlatformWi2r});
    }
  }
  if (!image.header.parent_name.empty()) {
    std::string name = image.header.parent_name;
    const size_t slash = name.find_last_of("\\/");
    if (slash != std::string::npos) name = name.substr(slash + 1);
    hints.push_back({"Parent Unicode Name", name, true});
  }
  return hints;
}

Status OpenParent(VhdImage& image, ChainContext& chain) {
  const std::string& path = image.file.path();
  HVR_ASSIGN_OR_RETURN(const std::vector<ParentPathHint> hints, ParentHints(image));
  HVR_ASSIGN_OR_RETURN(const std::string parent_path, FindParentFile(path, hints));
  HVR_ASSIGN_OR_RETURN(auto parent, OpenInChain(parent_path, chain));
  const std::string pair = path + " and its parent " + parent_path;
  if (parent->info().format != DiskFormat::kVhd) {
    return Error(Code::kBrokenChain, pair + ": the parent of a VHD must be a VHD, found " +
                                         DiskFormatName(parent->info().format));
  }
  if (parent->info().unique_id != image.header.parent_unique_id) {
    return Error(Code::kBrokenChain, pair + ": the child expects a parent with unique id " +
                                         image.header.parent_unique_id.ToString() + ", the parent has " +
                                         parent->info().unique_id.ToString());
  }
  if (chain.options.check_vhd_parent_timestamp) {
    HVR_ASSIGN_OR_RETURN(ImageFile parent_file, ImageFile::Open(parent_path, File::Mode::kRead));
    uint64_t ignored = 0;
    HVR_ASSIGN_OR_RETURN(const vhd::Footer parent_footer, ReadVhdFooter(parent_file, &ignored));
    const auto modified = parent_file.file().ModifiedTime();
    const uint32_t mtime = modified.ok()
                               ? vhd::VhdTimestamp(std::chrono::floor<std::chrono::seconds>(*modified))
                               : 0;
    const uint32_t expected = image.header.parent_timestamp;
    if (expected != parent_footer.timestamp && expected != mtime) {
      return Error(Code::kBrokenChain,
                   pair + ": the child records the parent's time stamp " + std::to_string(expected) +
                       ", the parent's footer says " + std::to_string(parent_footer.timestamp) +
                       " and its file was modified at " + std::to_string(mtime) +
                       " (seconds since 2000-01-01 UTC); the parent may have changed");
    }
  }
  image.info.parent_identity = image.header.parent_unique_id;
  image.info.parent_path = parent_path;
  image.parent = std::move(parent);
  return Ok();
}

void LoadBitmap(const std::vector<uint8_t>& bytes, std::vector<uint64_t>& words) {
  for (size_t w = 0; w < words.size(); ++w) {
    uint64_t word = 0;
    for (size_t b = 0; b < 8 && w * 8 + b < bytes.size(); ++b) {
      word |= static_cast<uint64_t>(ReverseBits(bytes[w * 8 + b])) << (8 * b);
    }
    words[w] = word;
  }
}

std::vector<uint8_t> StoreBitmap(const BlockMap& map, uint64_t block, uint64_t size) {
  std::vector<uint8_t> bytes(size, 0xFF);
  const std::vector<uint64_t>* words = map.bitmap(block);
  if (map.state(block) == BlockState::kPresent || words == nullptr) return bytes;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const size_t w = i / 8;
    bytes[i] = w < words->size() ? ReverseBits(static_cast<uint8_t>((*words)[w] >> (8 * (i % 8)))) : 0;
  }
  return bytes;
}

}  // namespace

Result<vhd::Footer> ReadVhdFooter(const ImageFile& file, uint64_t* footer_offset) {
  const uint64_t size = file.size();
  if (size < vhd::kFooterSize) {
    return Error(Code::kCorruptData, file.path() + ": " + std::to_string(size) + " bytes is too short for a VHD footer");
  }
  std::array<uint8_t, vhd::kFooterSize> bytes{};
  *footer_offset = size - vhd::kFooterSize;
  HVR_RETURN_IF_ERROR(file.ReadAt(*footer_offset, bytes));
  auto footer = vhd::Decode(bytes, file.path() + ": footer at offset " + std::to_string(*footer_offset));
  if (footer.ok()) return footer;
  // Dynamic and differencing disks keep a copy at offset 0 for exactly this case.
  HVR_RETURN_IF_ERROR(file.ReadAt(0, bytes));
  auto copy = vhd::Decode(bytes, file.path() + ": footer copy at offset 0");
  if (copy.ok() && copy->disk_type != vhd::DiskType::kFixed) return copy;
  return footer;
}

Result<std::unique_ptr<VhdImage>> LoadVhd(ImageFile file, const vhd::Footer& footer, uint64_t footer_offset,
                                          ChainContext& chain) {
  auto image = std::make_unique<VhdImage>(std::move(file));
  const std::string& path = image->file.path();
  image->footer = footer;
  image->footer_offset = footer_offset;
  image->info = VhdInfo(path, footer);
  HVR_RETURN_IF_ERROR(CheckVirtualSize(path, footer));
  const auto corrupt = [&](const std::string& what) { return Error(Code::kCorruptData, path + ": " + what); };

  if (footer.data_offset < vhd::kFooterSize || footer.data_offset > footer_offset ||
      vhd::kDynamicHeaderSize > footer_offset - footer.data_offset) {
    return corrupt("footer: Data Offset " + std::to_string(footer.data_offset) +
                   " does not place the dynamic header inside the file");
  }
  std::array<uint8_t, vhd::kDynamicHeaderSize> header_bytes{};
  HVR_RETURN_IF_ERROR(image->file.ReadAt(footer.data_offset, header_bytes));
  HVR_ASSIGN_OR_RETURN(image->header, vhd::DecodeDynamicHeader(header_bytes, path + ": dynamic header at offset " +
                                                                                 std::to_string(footer.data_offset)));
  const vhd::DynamicHeader& h = image->header;
  if (h.block_size < kSector || h.block_size > (256u << 20) || !std::has_single_bit(h.block_size)) {
    return corrupt("dynamic header: Block Size expected a power of two from 512 bytes to 256 MiB, found " +
                   std::to_string(h.block_size));
  }
  image->info.block_size = h.block_size;
  const uint64_t blocks = (footer.current_size + h.block_size - 1) / h.block_size;
  if (h.max_table_entries < blocks) {
    return corrupt("dynamic header: Max Table Entries " + std::to_string(h.max_table_entries) +
                   " cannot cover a disk of " + std::to_string(footer.current_size) + " bytes in blocks of " +
                   std::to_string(h.block_size) + " (" + std::to_string(blocks) + " needed)");
  }
  if (h.table_offset < vhd::kFooterSize || h.table_offset > footer_offset || blocks * 4 > footer_offset - h.table_offset) {
    return corrupt("dynamic header: Table Offset " + std::to_string(h.table_offset) +
                   " does not place the BAT inside the file");
  }
  std::vector<uint8_t> bat_bytes(static_cast<size_t>(blocks * 4));
  HVR_RETURN_IF_ERROR(image->file.ReadAt(h.table_offset, bat_bytes));
  image->bat.resize(static_cast<size_t>(blocks));
  for (size_t i = 0; i < image->bat.size(); ++i) image->bat[i] = LoadBE<uint32_t>(bat_bytes.data() + i * 4);

  const uint64_t sectors_per_block = h.block_size / kSector;
  image->bitmap_size = RoundUp((sectors_per_block + 7) / 8, kSector);
  image->map = BlockMap(footer.current_size, h.block_size, kSector);
  std::vector<Extent> extents = {{footer.data_offset, vhd::kDynamicHeaderSize, "the dynamic header"},
                                 {h.table_offset, blocks * 4, "the BAT"}};
  if (footer.data_offset != 0) extents.push_back({0, vhd::kFooterSize, "the footer copy"});
  std::vector<uint8_t> bitmap(static_cast<size_t>(image->bitmap_size));
  for (uint64_t block = 0; block < blocks; ++block) {
    const uint32_t entry = image->bat[block];
    if (entry == vhd::kUnusedBatEntry) continue;
    const uint64_t offset = uint64_t{entry} * kSector;
    const uint64_t length = image->bitmap_size + image->map.BlockLength(block);
    if (offset < vhd::kFooterSize || offset > footer_offset || length > footer_offset - offset) {
      return corrupt("BAT entry " + std::to_string(block) + " at offset " + std::to_string(h.table_offset + block * 4) +
                     ": sector " + std::to_string(entry) + " places the block outside the file (footer at " +
                     std::to_string(footer_offset) + ")");
    }
    extents.push_back({offset, length, "block", static_cast<int64_t>(block)});
    HVR_RETURN_IF_ERROR(image->file.ReadAt(offset, bitmap));
    image->map.Set(block, BlockState::kPartial, offset + image->bitmap_size);
    LoadBitmap(bitmap, image->map.MutableBitmap(block));
    if (image->map.AllSectorsMarked(block)) image->map.Set(block, BlockState::kPresent, offset + image->bitmap_size);
  }
  HVR_RETURN_IF_ERROR(CheckNoOverlap(std::move(extents), path));
  if (footer.disk_type == vhd::DiskType::kDifferencing) HVR_RETURN_IF_ERROR(OpenParent(*image, chain));
  return image;
}

Result<std::unique_ptr<DiskReader>> VhdReader::Open(const std::string& path, ChainContext& chain) {
  HVR_ASSIGN_OR_RETURN(ImageFile file, ImageFile::Open(path, File::Mode::kRead));
  uint64_t footer_offset = 0;
  HVR_ASSIGN_OR_RETURN(const vhd::Footer footer, ReadVhdFooter(file, &footer_offset));
  if (footer.disk_type == vhd::DiskType::kFixed) {
    HVR_ASSIGN_OR_RETURN(DiskInfo info, FixedVhdInfo(path, footer, footer_offset));
    return std::unique_ptr<DiskReader>(RawDisk::Over(std::move(file.file()), std::move(info)));
  }
  HVR_ASSIGN_OR_RETURN(auto image, LoadVhd(std::move(file), footer, footer_offset, chain));
  return std::unique_ptr<DiskReader>(new VhdReader(std::move(image)));
}

Status VhdReader::Read(uint64_t offset, std::span<uint8_t> out) const {
  HVR_RETURN_IF_ERROR(CheckRange(image_->info, offset, out.size()));
  return ReadThroughMap(image_->map, image_->file, image_->parent.get(), offset, out);
}

Result<std::vector<ByteRange>> VhdReader::AllocatedRanges() const {
  return AllocatedRangesThroughMap(image_->map, image_->parent.get());
}

Result<std::unique_ptr<DiskWriter>> VhdWriter::Open(const std::string& path, ChainContext& chain) {
  HVR_ASSIGN_OR_RETURN(ImageFile file, ImageFile::Open(path, File::Mode::kReadWrite));
  uint64_t footer_offset = 0;
  HVR_ASSIGN_OR_RETURN(const vhd::Footer footer, ReadVhdFooter(file, &footer_offset));
  if (footer.disk_type == vhd::DiskType::kFixed) {
    HVR_ASSIGN_OR_RETURN(DiskInfo info, FixedVhdInfo(path, footer, footer_offset));
    return std::unique_ptr<DiskWriter>(FlatWriter::Over(std::move(file.file()), std::move(info)));
  }
  HVR_ASSIGN_OR_RETURN(auto image, LoadVhd(std::move(file), footer, footer_offset, chain));
  return std::unique_ptr<DiskWriter>(new VhdWriter(std::move(image)));
}

VhdWriter::~VhdWriter() {
  std::lock_guard lock(mu_);
  if (!closed_) (void)FlushLocked();
}

Status VhdWriter::Read(uint64_t offset, std::span<uint8_t> out) const {
  std::lock_guard lock(mu_);
  HVR_RETURN_IF_ERROR(CheckRange(image_->info, offset, out.size()));
  return ReadThroughMap(image_->map, image_->file, image_->parent.get(), offset, out);
}

Result<std::vector<ByteRange>> VhdWriter::AllocatedRanges() const {
  std::lock_guard lock(mu_);
  return AllocatedRangesThroughMap(image_->map, image_->parent.get());
}

Status VhdWriter::Write(uint64_t offset, std::span<const uint8_t> data) {
  std::lock_guard lock(mu_);
  if (closed_) return Error(Code::kInvalidArgument, image_->info.path + ": the writer is closed");
  HVR_RETURN_IF_ERROR(CheckRange(image_->info, offset, data.size()));
  return WriteLocked(offset, data);
}

Status VhdWriter::WriteLocked(uint64_t offset, std::span<const uint8_t> data) {
  return WriteWholeSectors(
      offset, data, kSector, image_->map.block_size(),
      [&](uint64_t at, std::span<uint8_t> out) {
        return ReadThroughMap(image_->map, image_->file, image_->parent.get(), at, out);
      },
      [&](uint64_t block, uint64_t in_block, std::span<const uint8_t> part) {
        return WriteBlockPart(block, in_block, part);
      });
}

Status VhdWriter::WriteBlockPart(uint64_t block, uint64_t in_block, std::span<const uint8_t> part) {
  BlockMap& map = image_->map;
  if (map.state(block) == BlockState::kAbsent) {
    // Append the block where the footer is, and the footer after it. The footer copy at
    // offset 0 keeps the file readable if a crash tears this.
    const uint64_t offset = RoundUp(image_->footer_offset, kSector);
    const uint64_t footer_offset = offset + image_->bitmap_size + map.block_size();
    HVR_RETURN_IF_ERROR(image_->file.Resize(footer_offset + vhd::kFooterSize));
    HVR_RETURN_IF_ERROR(image_->file.WriteAt(footer_offset, vhd::Encode(image_->footer)));
    const std::vector<uint8_t> clear(static_cast<size_t>(image_->bitmap_size), 0);
    HVR_RETURN_IF_ERROR(image_->file.WriteAt(offset, clear));  // the old footer becomes a bitmap
    image_->footer_offset = footer_offset;
    image_->bat[block] = static_cast<uint32_t>(offset / kSector);
    dirty_bat_sectors_.insert(block * 4 / kSector);
    map.Set(block, BlockState::kPartial, offset + image_->bitmap_size);
    map.MutableBitmap(block);
  }
  HVR_RETURN_IF_ERROR(image_->file.WriteAt(map.file_offset(block) + in_block, part));
  if (map.state(block) == BlockState::kPartial) {
    map.MarkSectors(block, in_block / kSector, part.size() / kSector);
    if (map.AllSectorsMarked(block)) map.Set(block, BlockState::kPresent, map.file_offset(block));
    dirty_bitmaps_.insert(block);
  }
  return Ok();
}

Status VhdWriter::WriteZeros(uint64_t offset, uint64_t length) {
  std::lock_guard lock(mu_);
  if (closed_) return Error(Code::kInvalidArgument, image_->info.path + ": the writer is closed");
  HVR_RETURN_IF_ERROR(CheckRange(image_->info, offset, length));
  const uint64_t bs = image_->map.block_size();
  for (uint64_t pos = offset; pos < offset + length;) {
    const uint64_t n = std::min({bs - pos % bs, offset + length - pos, uint64_t{ZeroMiB().size()}});
    // A dynamic disk's unallocated block already reads as zeros; a differencing disk
    // must hide its parent's data.
    if (image_->map.state(pos / bs) != BlockState::kAbsent || image_->parent != nullptr) {
      HVR_RETURN_IF_ERROR(WriteLocked(pos, ZeroMiB().first(static_cast<size_t>(n))));
    }
    pos += n;
  }
  return Ok();
}

Status VhdWriter::Flush() {
  std::lock_guard lock(mu_);
  if (closed_) return Error(Code::kInvalidArgument, image_->info.path + ": the writer is closed");
  return FlushLocked();
}

Status VhdWriter::Close() {
  std::lock_guard lock(mu_);
  if (closed_) return Error(Code::kInvalidArgument, image_->info.path + ": the writer is closed");
  closed_ = true;
  return FlushLocked();
}

Status VhdWriter::FlushLocked() {
  ImageFile& file = image_->file;
  HVR_RETURN_IF_ERROR(file.Sync());  // data, new blocks and the moved footer first
  if (dirty_bitmaps_.empty() && dirty_bat_sectors_.empty()) return Ok();
  for (const uint64_t block : dirty_bitmaps_) {
    const uint64_t offset = uint64_t{image_->bat[block]} * kSector;
    HVR_RETURN_IF_ERROR(file.WriteAt(offset, StoreBitmap(image_->map, block, image_->bitmap_size)));
  }
  HVR_RETURN_IF_ERROR(file.Sync());
  for (const uint64_t sector : dirty_bat_sectors_) {
    std::array<uint8_t, kSector> bytes{};
    const uint64_t at = image_->header.table_offset + sector * kSector;
    HVR_RETURN_IF_ERROR(file.ReadAt(at, bytes));
    for (uint64_t i = sector * 128; i < std::min<uint64_t>((sector + 1) * 128, image_->bat.size()); ++i) {
      StoreBE<uint32_t>(bytes.data() + (i - sector * 128) * 4, image_->bat[i]);
    }
    HVR_RETURN_IF_ERROR(file.WriteAt(at, bytes));
  }
  HVR_RETURN_IF_ERROR(file.Sync());
  dirty_bitmaps_.clear();
  dirty_bat_sectors_.clear();
  return Ok();
}

}  // namespace hvr
