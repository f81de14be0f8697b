// The VHDX metadata region (MS-VHDX 2.6): a 64 KiB table of items followed by the items.
// Known system items are parsed into DiskMetadata; every item, known or not, is also
// kept as bytes so a rewrite (a new parent locator, say) preserves what hvr does not
// understand, as the specification requires.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "disk/vhdx_format.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"

namespace hvr::vhdx {

struct MetadataItem {
  Guid id;
  bool is_user = false;
  bool is_virtual_disk = false;
  bool is_required = false;
  std::vector<uint8_t> data;
};

// Parent locator keys and values, UTF-8 here, UTF-16LE on disk (MS-VHDX 2.6.2.6).
struct ParentLocator {
  Guid type = kVhdxParentLocatorType;
  std::vector<std::pair<std::string, std::string>> entries;

  const std::string* Find(const std::string& key) const;
  void Set(const std::string& key, const std::string& value);  // replaces or appends
  void Erase(const std::string& key);
};

struct DiskMetadata {
  uint32_t block_size = 0;
  bool leave_block_allocated = false;
  bool has_parent = false;
  uint64_t virtual_size = 0;
  Guid virtual_disk_id;  // what the guest sees as the SCSI page 83 identifier
  uint32_t logical_sector_size = 512;
  uint32_t physical_sector_size = 4096;
  std::optional<ParentLocator> parent_locator;
  std::vector<MetadataItem> items;  // every item of the table, in table order
};

// Parses and checks a whole metadata region. `where` names the file and region offset.
Result<DiskMetadata> DecodeMetadataRegion(std::span<const uint8_t> region, const std::string& where);

// Lays out the table and items into a region of `region_length` bytes.
Result<std::vector<uint8_t>> EncodeMetadataRegion(const std::vector<MetadataItem>& items,
                                                  uint64_t region_length);

// The known items of `metadata` (its parsed fields), replacing those in metadata.items and
// keeping every other item: what a writer passes to EncodeMetadataRegion.
std::vector<MetadataItem> ItemsFor(const DiskMetadata& metadata);

std::vector<uint8_t> EncodeParentLocator(const ParentLocator& locator);
Result<ParentLocator> DecodeParentLocator(std::span<const uint8_t> bytes, const std::string& where);

}  // namespace hvr::vhdx
