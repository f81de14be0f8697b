#include "disk/block_map.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace hvr {

BlockMap::BlockMap(uint64_t virtual_size, uint64_t block_size, uint32_t sector_size)
    : virtual_size_(virtual_size),
      block_size_(block_size),
      sector_size_(sector_size),
      entries_(static_cast<size_t>((virtual_size + block_size - 1) / block_size), 0) {}

uint64_t BlockMap::BlockLength(uint64_t block) const {
  return std::min(block_size_, virtual_size_ - block * block_size_);
}

void BlockMap::Set(uint64_t block, BlockState state, uint64_t file_offset) {
  entries_[block] = (file_offset & ~kStateMask) | static_cast<uint64_t>(state);
  if (state != BlockState::kPartial) bitmaps_.erase(block);
}

const std::vector<uint64_t>* BlockMap::bitmap(uint64_t block) const {
  const auto it = bitmaps_.find(block);
  return it == bitmaps_.end() ? nullptr : &it->second;
}

std::vector<uint64_t>& BlockMap::MutableBitmap(uint64_t block) {
  auto& bits = bitmaps_[block];
  if (bits.empty()) bits.assign(static_cast<size_t>((sectors_per_block() + 63) / 64), 0);
  return bits;
}

void BlockMap::MarkSectors(uint64_t block, uint64_t first, uint64_t count) {
  auto& bits = MutableBitmap(block);
  for (uint64_t s = first; s < first + count;) {
    if (s % 64 == 0 && first + count - s >= 64) {
      bits[s / 64] = ~uint64_t{0};
      s += 64;
    } else {
      bits[s / 64] |= uint64_t{1} << (s % 64);
      ++s;
    }
  }
}

bool BlockMap::AllSectorsMarked(uint64_t block) const {
  const auto* bits = bitmap(block);
  if (bits == nullptr) return false;
  // Only the sectors inside the virtual disk count.
  const uint64_t sectors = (BlockLength(block) + sector_size_ - 1) / sector_size_;
  return NextBitChange(*bits, 0, sectors, true) == sectors;
}

uint64_t NextBitChange(std::span<const uint64_t> words, uint64_t from, uint64_t limit, bool value) {
  uint64_t i = from;
  while (i < limit) {
    const uint64_t word_index = i / 64;
    uint64_t word = words[word_index];
    if (value) word = ~word;  // look for the first clear bit as the first set bit of ~word
    word &= ~uint64_t{0} << (i % 64);
    if (word != 0) return std::min(limit, word_index * 64 + static_cast<uint64_t>(std::countr_zero(word)));
    i = (word_index + 1) * 64;
  }
  return limit;
}

RangeList BlockMap::OwnDataRanges() const {
  RangeList ranges;
  for (uint64_t b = 0; b < entries_.size(); ++b) {
    const uint64_t start = b * block_size_;
    switch (state(b)) {
      case BlockState::kPresent:
        AppendRange(ranges, start, BlockLength(b));
        break;
      case BlockState::kPartial: {
        const auto* bits = bitmap(b);
        if (bits == nullptr) break;
        const uint64_t sectors = (BlockLength(b) + sector_size_ - 1) / sector_size_;
        for (uint64_t s = NextBitChange(*bits, 0, sectors, false); s < sectors;) {
          const uint64_t end = NextBitChange(*bits, s, sectors, true);
          const uint64_t from = start + s * sector_size_;
          AppendRange(ranges, from, std::min(start + end * sector_size_, virtual_size_) - from);
          s = NextBitChange(*bits, end, sectors, false);
        }
        break;
      }
      case BlockState::kAbsent:
      case BlockState::kZero:
        break;
    }
  }
  return ranges;
}

RangeList BlockMap::ZeroRanges() const {
  RangeList ranges;
  for (uint64_t b = 0; b < entries_.size(); ++b) {
    if (state(b) == BlockState::kZero) AppendRange(ranges, b * block_size_, BlockLength(b));
  }
  return ranges;
}

uint64_t BlockMap::PresentBlockCount() const {
  uint64_t n = 0;
  for (uint64_t b = 0; b < entries_.size(); ++b) {
    const BlockState s = state(b);
    if (s == BlockState::kPresent || s == BlockState::kPartial) ++n;
  }
  return n;
}

Status ReadFromParent(const DiskReader& parent, uint64_t offset, std::span<uint8_t> out) {
  const uint64_t parent_size = parent.info().virtual_size;
  size_t from_parent = 0;
  if (offset < parent_size) {
    from_parent = static_cast<size_t>(std::min<uint64_t>(out.size(), parent_size - offset));
    HVR_RETURN_IF_ERROR(parent.Read(offset, out.first(from_parent)));
  }
  std::memset(out.data() + from_parent, 0, out.size() - from_parent);
  return Ok();
}

namespace {

// Bytes not stored in this layer: the parent's, or zeros.
Status ReadAbsent(const DiskReader* parent, uint64_t offset, std::span<uint8_t> out) {
  if (parent == nullptr) {
    std::memset(out.data(), 0, out.size());
    return Ok();
  }
  return ReadFromParent(*parent, offset, out);
}

// Reads [offset, offset + out.size()) of partial block `block`, run by run of sectors.
Status ReadPartialBlock(const BlockMap& map, const ImageFile& file, const DiskReader* parent,
                        uint64_t block, uint64_t offset, std::span<uint8_t> out) {
  const uint64_t block_start = block * map.block_size();
  const uint64_t ss = map.sector_size();
  const uint64_t in_block = offset - block_start;
  const uint64_t end_in_block = in_block + out.size();
  const auto* bits = map.bitmap(block);
  const uint64_t last_sector = (end_in_block + ss - 1) / ss;
  uint64_t sector = in_block / ss;
  while (sector < last_sector) {
    const bool present = bits != nullptr && ((*bits)[sector / 64] >> (sector % 64) & 1) != 0;
    const uint64_t run_end =
        bits == nullptr ? last_sector : NextBitChange(*bits, sector, last_sector, present);
    const uint64_t from = std::max(in_block, sector * ss);
    const uint64_t to = std::min(end_in_block, run_end * ss);
    std::span<uint8_t> part = out.subspan(static_cast<size_t>(from - in_block), static_cast<size_t>(to - from));
    if (present) {
      HVR_RETURN_IF_ERROR(file.ReadAt(map.file_offset(block) + from, part));
    } else {
      HVR_RETURN_IF_ERROR(ReadAbsent(parent, block_start + from, part));
    }
    sector = run_end;
  }
  return Ok();
}

}  // namespace

Status ReadThroughMap(const BlockMap& map, const ImageFile& file, const DiskReader* parent,
                      uint64_t offset, std::span<uint8_t> out) {
  const uint64_t bs = map.block_size();
  size_t done = 0;
  while (done < out.size()) {
    const uint64_t pos = offset + done;
    const uint64_t block = pos / bs;
    const uint64_t in_block = pos % bs;
    const size_t left = out.size() - done;
    size_t run = static_cast<size_t>(std::min<uint64_t>(bs - in_block, left));
    const BlockState state = map.state(block);
    // Extend the run over following blocks that read the same way, so a large read of
    // contiguous blocks is one system call.
    uint64_t next = block + 1;
    const auto extend = [&](auto&& same) {
      while (run < left && next < map.block_count() && same(next)) {
        run += static_cast<size_t>(std::min<uint64_t>(bs, left - run));
        ++next;
      }
    };
    std::span<uint8_t> part = out.subspan(done, run);
    switch (state) {
      case BlockState::kPresent: {
        const uint64_t file_offset = map.file_offset(block);
        extend([&](uint64_t b) {
          return map.state(b) == BlockState::kPresent &&
                 map.file_offset(b) == file_offset + (b - block) * bs;
        });
        part = out.subspan(done, run);
        HVR_RETURN_IF_ERROR(file.ReadAt(file_offset + in_block, part));
        break;
      }
      case BlockState::kZero:
      case BlockState::kAbsent: {
        const bool to_parent = state == BlockState::kAbsent && parent != nullptr;
        extend([&](uint64_t b) {
          const BlockState s = map.state(b);
          return to_parent ? s == BlockState::kAbsent
                           : (s == BlockState::kZero || (s == BlockState::kAbsent && parent == nullptr));
        });
        part = out.subspan(done, run);
        if (to_parent) {
          HVR_RETURN_IF_ERROR(ReadFromParent(*parent, pos, part));
        } else {
          std::memset(part.data(), 0, part.size());
        }
        break;
      }
      case BlockState::kPartial:
        HVR_RETURN_IF_ERROR(ReadPartialBlock(map, file, parent, block, pos, part));
        break;
    }
    done += run;
  }
  return Ok();
}

Result<RangeList> AllocatedRangesThroughMap(const BlockMap& map, const DiskReader* parent) {
  RangeList own = map.OwnDataRanges();
  if (parent == nullptr) return own;
  HVR_ASSIGN_OR_RETURN(const RangeList parent_ranges, parent->AllocatedRanges());
  const RangeList visible =
      SubtractRanges(ClipRanges(parent_ranges, map.virtual_size()), map.ZeroRanges());
  return UniteRanges(own, visible);
}

}  // namespace hvr
