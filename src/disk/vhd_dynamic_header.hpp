// The VHD dynamic disk header (Virtual Hard Disk Image Format Specification, "Dynamic
// Disk Header Format"), big-endian, 1024 bytes at the footer's Data Offset: where the BAT
// is, the block size, and for differencing disks the parent's identity and locators.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "hvr/error.hpp"
#include "hvr/guid.hpp"

namespace hvr::vhd {

inline constexpr size_t kDynamicHeaderSize = 1024;
inline constexpr uint32_t kUnusedBatEntry = 0xFFFFFFFF;

// Parent locator platform codes.
inline constexpr uint32_t kPlatformNone = 0;
inline constexpr uint32_t kPlatformWi2r = 0x57693272;  // deprecated relative path
inline constexpr uint32_t kPlatformWi2k = 0x5769326B;  // deprecated absolute path
inline constexpr uint32_t kPlatformW2ru = 0x57327275;  // relative path, UTF-16LE
inline constexpr uint32_t kPlatformW2ku = 0x57326B75;  // absolute path, UTF-16LE
inline constexpr uint32_t kPlatformMac = 0x4D616320;   // Mac OS alias blob
inline constexpr uint32_t kPlatformMacX = 0x4D616358;  // file URL, UTF-8

struct LocatorEntry {
  uint32_t platform_code = kPlatformNone;
  uint32_t data_space = 0;   // sectors (some writers put bytes here)
  uint32_t data_length = 0;  // bytes
  uint64_t data_offset = 0;  // absolute file offset
};

struct DynamicHeader {
  uint64_t table_offset = 0;
  uint32_t max_table_entries = 0;
  uint32_t block_size = 2u << 20;
  Guid parent_unique_id;
  uint32_t parent_timestamp = 0;
  std::string parent_name;  // UTF-8 here, UTF-16BE on disk
  std::array<LocatorEntry, 8> locators{};
};

std::array<uint8_t, kDynamicHeaderSize> EncodeDynamicHeader(const DynamicHeader& header);
// Checks cookie, version and checksum. `where` names file and offset.
Result<DynamicHeader> DecodeDynamicHeader(std::span<const uint8_t, kDynamicHeaderSize> bytes,
                                          const std::string& where);

}  // namespace hvr::vhd
