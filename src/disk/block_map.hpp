// The block map of a dynamic or differencing image (VHDX and VHD alike): for each block of
// the virtual disk, whether it is stored in this file and where, and for partially stored
// blocks which sectors. Reads go through ReadThroughMap, which turns a request into one
// pread per run of blocks that are contiguous in the file, asks the parent for what this
// layer does not hold, and does no per-sector work unless a block is partial.
//
// Not thread-safe to modify; const use (reads) is thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "disk/image_file.hpp"
#include "hvr/disk.hpp"
#include "util/range_set.hpp"

namespace hvr {

enum class BlockState : uint8_t {
  kAbsent = 0,   // not in this file: the parent's content, or zeros without a parent
  kZero = 1,     // reads as zeros, hiding any parent
  kPresent = 2,  // wholly in this file at file_offset
  kPartial = 3,  // in this file at file_offset for the sectors whose bit is set, else absent
};

class BlockMap {
 public:
  BlockMap() = default;
  BlockMap(uint64_t virtual_size, uint64_t block_size, uint32_t sector_size);

  uint64_t virtual_size() const { return virtual_size_; }
  uint64_t block_size() const { return block_size_; }
  uint32_t sector_size() const { return sector_size_; }
  uint64_t block_count() const { return entries_.size(); }
  uint64_t sectors_per_block() const { return block_size_ / sector_size_; }
  // Bytes of block `block` inside the virtual disk (the last block may be cut short).
  uint64_t BlockLength(uint64_t block) const;

  BlockState state(uint64_t block) const { return static_cast<BlockState>(entries_[block] & kStateMask); }
  uint64_t file_offset(uint64_t block) const { return entries_[block] & ~kStateMask; }
  // `file_offset` must be a multiple of 8 (formats store multiples of 512 at least).
  void Set(uint64_t block, BlockState state, uint64_t file_offset);

  // Partial blocks: one bit per sector, bit i of word i / 64 for sector i of the block.
  const std::vector<uint64_t>* bitmap(uint64_t block) const;
  std::vector<uint64_t>& MutableBitmap(uint64_t block);  // created all clear
  void DropBitmap(uint64_t block) { bitmaps_.erase(block); }
  // Sets sectors [first, first + count) of the block's bitmap.
  void MarkSectors(uint64_t block, uint64_t first, uint64_t count);
  bool AllSectorsMarked(uint64_t block) const;

  // Ranges this layer stores data for, sorted and merged, within the virtual size.
  RangeList OwnDataRanges() const;
  // Ranges this layer defines as zero (kZero blocks): they hide the parent.
  RangeList ZeroRanges() const;
  uint64_t PresentBlockCount() const;

 private:
  static constexpr uint64_t kStateMask = 7;
  uint64_t virtual_size_ = 0;
  uint64_t block_size_ = 0;
  uint32_t sector_size_ = 512;
  std::vector<uint64_t> entries_;  // file offset | state
  std::unordered_map<uint64_t, std::vector<uint64_t>> bitmaps_;
};

// The first index in [from, limit) whose bit differs from `value`, or `limit`.
uint64_t NextBitChange(std::span<const uint64_t> words, uint64_t from, uint64_t limit, bool value);

// Reads virtual bytes [offset, offset + out.size()) through `map`; the caller has checked
// the range lies inside the virtual size. `parent` may be null.
Status ReadThroughMap(const BlockMap& map, const ImageFile& file, const DiskReader* parent,
                      uint64_t offset, std::span<uint8_t> out);

// This layer's data plus the parent's allocated ranges that this layer does not hide.
Result<RangeList> AllocatedRangesThroughMap(const BlockMap& map, const DiskReader* parent);

// Reads from a parent that may be smaller than its child: past its end, zeros.
Status ReadFromParent(const DiskReader& parent, uint64_t offset, std::span<uint8_t> out);

}  // namespace hvr
