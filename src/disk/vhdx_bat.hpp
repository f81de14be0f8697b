// The VHDX block allocation table (MS-VHDX 2.4, 2.5): one 64-bit entry per payload block,
// with one sector bitmap entry after every chunk_ratio payload entries.
#pragma once

#include <cstdint>
#include <string>

#include "hvr/error.hpp"

namespace hvr::vhdx {

// Payload block states (MS-VHDX 2.5.1.1); 4 and 5 are reserved.
enum class PayloadState : uint8_t {
  kNotPresent = 0,
  kUndefined = 1,
  kZero = 2,
  kUnmapped = 3,
  kFullyPresent = 6,
  kPartiallyPresent = 7,
};

// Sector bitmap block states (MS-VHDX 2.5.1.2).
inline constexpr uint8_t kBitmapNotPresent = 0;
inline constexpr uint8_t kBitmapPresent = 6;

inline uint8_t EntryState(uint64_t entry) { return static_cast<uint8_t>(entry & 7); }
inline uint64_t EntryFileOffset(uint64_t entry) { return (entry >> 20) << 20; }
inline uint64_t MakeEntry(uint8_t state, uint64_t file_offset) {
  return (file_offset >> 20 << 20) | state;
}

struct BatGeometry {
  uint64_t virtual_size = 0;
  uint32_t block_size = 0;
  uint32_t logical_sector_size = 0;
  uint64_t chunk_ratio = 0;     // payload blocks per sector bitmap block
  uint64_t payload_blocks = 0;  // Ceil(VirtualDiskSize / BlockSize)
  uint64_t bitmap_blocks = 0;   // Ceil(payload_blocks / chunk_ratio)
  uint64_t entries = 0;         // BAT entries the file must hold

  // For block sizes and sector sizes the metadata parser has already checked.
  static BatGeometry For(uint64_t virtual_size, uint32_t block_size, uint32_t logical_sector_size,
                         bool has_parent);

  uint64_t PayloadIndex(uint64_t block) const { return block + block / chunk_ratio; }
  uint64_t BitmapIndex(uint64_t chunk) const { return chunk * (chunk_ratio + 1) + chunk_ratio; }
  uint64_t SectorsPerBlock() const { return block_size / logical_sector_size; }
  // Byte offset, inside sector bitmap block block / chunk_ratio, of the bits of `block`.
  uint64_t BitmapByteOffset(uint64_t block) const {
    return (block % chunk_ratio) * SectorsPerBlock() / 8;
  }
  uint64_t BatBytes() const { return entries * 8; }
};

}  // namespace hvr::vhdx
