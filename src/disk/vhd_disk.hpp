// VHD images (Virtual Hard Disk Image Format Specification). Fixed VHDs are flat images
// (RawDisk, FlatWriter); dynamic and differencing ones go through a block map built from
// the BAT and each block's sector bitmap. For dynamic disks a clear bit reads as zeros,
// for differencing disks as the parent's sector.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "disk/block_map.hpp"
#include "disk/disk_chain.hpp"
#include "disk/image_file.hpp"
#include "disk/vhd_dynamic_header.hpp"
#include "disk/vhd_footer.hpp"
#include "hvr/disk_writer.hpp"

namespace hvr {

struct VhdImage {
  explicit VhdImage(ImageFile f) : file(std::move(f)) {}

  ImageFile file;
  vhd::Footer footer;
  uint64_t footer_offset = 0;  // where the footer at the end of the file is
  vhd::DynamicHeader header;
  uint64_t bitmap_size = 0;    // bytes of sector bitmap before each block, whole sectors
  std::vector<uint32_t> bat;   // block -> sector of its bitmap, or kUnusedBatEntry
  BlockMap map;
  std::unique_ptr<DiskReader> parent;
  DiskInfo info;
};

// Reads the footer (at the end, or the copy at offset 0 when the end one is damaged).
Result<vhd::Footer> ReadVhdFooter(const ImageFile& file, uint64_t* footer_offset);

// Opens a dynamic or differencing VHD.
Result<std::unique_ptr<VhdImage>> LoadVhd(ImageFile file, const vhd::Footer& footer, uint64_t footer_offset,
                                          ChainContext& chain);

class VhdReader final : public DiskReader {
 public:
  static Result<std::unique_ptr<DiskReader>> Open(const std::string& path, ChainContext& chain);

  const DiskInfo& info() const override { return image_->info; }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<std::vector<ByteRange>> AllocatedRanges() const override;
  const DiskReader* parent() const override { return image_->parent.get(); }
  const vhd::Footer& footer() const { return image_->footer; }

 private:
  explicit VhdReader(std::unique_ptr<VhdImage> image) : image_(std::move(image)) {}
  std::unique_ptr<VhdImage> image_;
};

// Writes a dynamic or differencing VHD. New blocks are appended where the footer was
// and the footer moves after them (the copy at offset 0 stays valid throughout). Flush
// writes sector bitmaps, then BAT entries, each after a sync, so a crash leaves at worst
// an unreferenced block. VHD has no log: unlike VHDX, a torn BAT sector is possible.
// Thread-safe: one call at a time.
class VhdWriter final : public DiskWriter {
 public:
  static Result<std::unique_ptr<DiskWriter>> Open(const std::string& path, ChainContext& chain);
  ~VhdWriter() override;

  const DiskInfo& info() const override { return image_->info; }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<std::vector<ByteRange>> AllocatedRanges() const override;
  const DiskReader* parent() const override { return image_->parent.get(); }
  Status Write(uint64_t offset, std::span<const uint8_t> data) override;
  Status WriteZeros(uint64_t offset, uint64_t length) override;
  Status Flush() override;
  Status Close() override;

 private:
  explicit VhdWriter(std::unique_ptr<VhdImage> image) : image_(std::move(image)) {}
  Status WriteLocked(uint64_t offset, std::span<const uint8_t> data);
  Status WriteBlockPart(uint64_t block, uint64_t in_block, std::span<const uint8_t> part);
  Status FlushLocked();

  mutable std::mutex mu_;
  std::unique_ptr<VhdImage> image_;
  std::set<uint64_t> dirty_bitmaps_;
  std::set<uint64_t> dirty_bat_sectors_;
  bool closed_ = false;
};

}  // namespace hvr
