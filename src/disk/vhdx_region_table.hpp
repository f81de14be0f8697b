// The VHDX region table (MS-VHDX 2.2.3): where the BAT and the metadata region live.
// Two identical copies at 192 KiB and 256 KiB; the first valid one is used.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "disk/vhdx_format.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"

namespace hvr::vhdx {

struct RegionEntry {
  Guid guid;
  uint64_t file_offset = 0;
  uint32_t length = 0;
  bool required = false;
};

struct RegionTable {
  std::vector<RegionEntry> entries;
  RegionEntry bat;
  RegionEntry metadata;
};

std::vector<uint8_t> EncodeRegionTable(const std::vector<RegionEntry>& entries);

// Parses one 64 KiB copy: signature, checksum, entry count, alignment and placement of
// every entry, unique GUIDs, both known regions present, no unknown required region.
Result<RegionTable> DecodeRegionTable(std::span<const uint8_t> bytes, const std::string& where,
                                      uint64_t file_size);

}  // namespace hvr::vhdx
