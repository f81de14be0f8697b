#include "disk/vhdx_metadata.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "disk/utf16.hpp"
#include "util/endian.hpp"
#include "util/hex.hpp"

namespace hvr::vhdx {
namespace {

constexpr size_t kTableHeaderSize = 32;
constexpr size_t kEntrySize = 32;
constexpr size_t kLocatorHeaderSize = 20;
constexpr size_t kLocatorEntrySize = 12;

// Entry flag bits (MS-VHDX 2.6.1.2).
constexpr uint32_t kIsUser = 1u << 0;
constexpr uint32_t kIsVirtualDisk = 1u << 1;
constexpr uint32_t kIsRequired = 1u << 2;

// File parameter bits (MS-VHDX 2.6.2.1).
constexpr uint32_t kLeaveBlockAllocated = 1u << 0;
constexpr uint32_t kHasParent = 1u << 1;

struct KnownItem {
  Guid id;
  const char* name;
  size_t min_length;
  bool is_virtual_disk;
};

constexpr KnownItem kKnownItems[] = {
    {kFileParametersItem, "File Parameters", 8, false},
    {kVirtualDiskSizeItem, "Virtual Disk Size", 8, true},
    {kVirtualDiskIdItem, "Virtual Disk ID", 16, true},
    {kLogicalSectorSizeItem, "Logical Sector Size", 4, true},
    {kPhysicalSectorSizeItem, "Physical Sector Size", 4, true},
    {kParentLocatorItem, "Parent Locator", kLocatorHeaderSize, false},
};

const KnownItem* FindKnown(const Guid& id) {
  for (const KnownItem& k : kKnownItems) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

const MetadataItem* FindSystemItem(const std::vector<MetadataItem>& items, const Guid& id) {
  for (const MetadataItem& item : items) {
    if (!item.is_user && item.id == id) return &item;
  }
  return nullptr;
}

MetadataItem MakeItem(const Guid& id, std::vector<uint8_t> data) {
  const KnownItem* known = FindKnown(id);
  return MetadataItem{id, false, known->is_virtual_disk, true, std::move(data)};
}

template <typename T>
std::vector<uint8_t> LittleEndianBytes(T value) {
  std::vector<uint8_t> out(sizeof(T));
  StoreLE<T>(out.data(), value);
  return out;
}

}  // namespace

const std::string* ParentLocator::Find(const std::string& key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

void ParentLocator::Set(const std::string& key, const std::string& value) {
  for (auto& [k, v] : entries) {
    if (k == key) {
      v = value;
      return;
    }
  }
  entries.emplace_back(key, value);
}

void ParentLocator::Erase(const std::string& key) {
  std::erase_if(entries, [&](const auto& kv) { return kv.first == key; });
}

std::vector<uint8_t> EncodeParentLocator(const ParentLocator& locator) {
  std::vector<uint8_t> out(kLocatorHeaderSize + locator.entries.size() * kLocatorEntrySize, 0);
  std::memcpy(out.data(), locator.type.bytes.data(), 16);
  StoreLE<uint16_t>(out.data() + 18, static_cast<uint16_t>(locator.entries.size()));
  for (size_t i = 0; i < locator.entries.size(); ++i) {
    const std::vector<uint8_t> key = Utf8ToUtf16Le(locator.entries[i].first);
    const std::vector<uint8_t> value = Utf8ToUtf16Le(locator.entries[i].second);
    const size_t key_offset = out.size();
    out.insert(out.end(), key.begin(), key.end());
    const size_t value_offset = out.size();
    out.insert(out.end(), value.begin(), value.end());
    uint8_t* e = out.data() + kLocatorHeaderSize + i * kLocatorEntrySize;
    StoreLE<uint32_t>(e, static_cast<uint32_t>(key_offset));
    StoreLE<uint32_t>(e + 4, static_cast<uint32_t>(value_offset));
    StoreLE<uint16_t>(e + 8, static_cast<uint16_t>(key.size()));
    StoreLE<uint16_t>(e + 10, static_cast<uint16_t>(value.size()));
  }
  return out;
}

Result<ParentLocator> DecodeParentLocator(std::span<const uint8_t> bytes, const std::string& where) {
  const auto corrupt = [&](const std::string& what) {
    return Error(Code::kCorruptData, where + ": parent locator: " + what);
  };
  if (bytes.size() < kLocatorHeaderSize) return corrupt("shorter than its 20-byte header");
  ParentLocator locator;
  std::memcpy(locator.type.bytes.data(), bytes.data(), 16);
  if (locator.type != kVhdxParentLocatorType) {
    return Error(Code::kUnsupported, where + ": parent locator: LocatorType " +
                                         locator.type.ToString() +
                                         " is not the VHDX type b04aefb7-d19e-4a81-b789-25b8e9445913");
  }
  const uint16_t count = LoadLE<uint16_t>(bytes.data() + 18);
  if (kLocatorHeaderSize + size_t{count} * kLocatorEntrySize > bytes.size()) {
    return corrupt("KeyValueCount " + std::to_string(count) + " entries do not fit in the item of " +
                   std::to_string(bytes.size()) + " bytes");
  }
  for (uint16_t i = 0; i < count; ++i) {
    const uint8_t* e = bytes.data() + kLocatorHeaderSize + size_t{i} * kLocatorEntrySize;
    const uint32_t key_offset = LoadLE<uint32_t>(e);
    const uint32_t value_offset = LoadLE<uint32_t>(e + 4);
    const uint16_t key_length = LoadLE<uint16_t>(e + 8);
    const uint16_t value_length = LoadLE<uint16_t>(e + 10);
    const std::string field = "entry " + std::to_string(i);
    if (key_offset == 0 || value_offset == 0 || key_length == 0 || value_length == 0) {
      return corrupt(field + ": KeyOffset, ValueOffset, KeyLength and ValueLength must be "
                     "greater than zero");
    }
    if (key_offset > bytes.size() || key_length > bytes.size() - key_offset ||
        value_offset > bytes.size() || value_length > bytes.size() - value_offset) {
      return corrupt(field + ": key or value lies outside the item of " +
                     std::to_string(bytes.size()) + " bytes");
    }
    std::string key = Utf16LeToUtf8(bytes.subspan(key_offset, key_length));
    std::string value = Utf16LeToUtf8(bytes.subspan(value_offset, value_length));
    if (locator.Find(key) != nullptr) return corrupt(field + ": key \"" + key + "\" appears twice");
    locator.entries.emplace_back(std::move(key), std::move(value));
  }
  return locator;
}

Result<DiskMetadata> DecodeMetadataRegion(std::span<const uint8_t> region, const std::string& where) {
  const auto corrupt = [&](const std::string& what) {
    return Error(Code::kCorruptData, where + ": " + what);
  };
  if (region.size() < kMetadataTableSize) return corrupt("metadata region smaller than its table");
  const uint8_t* p = region.data();
  if (LoadLE<uint64_t>(p) != kMetadataSignature) {
    return corrupt("metadata table: Signature expected \"metadata\", found 0x" +
                   HexBytes(region.subspan(0, 8)));
  }
  const uint16_t count = LoadLE<uint16_t>(p + 10);
  if (count > kMaxMetadataEntries) {
    return corrupt("metadata table: EntryCount expected at most 2047, found " + std::to_string(count));
  }
  DiskMetadata md;
  std::vector<std::pair<uint64_t, uint64_t>> spans;  // item extents, for the overlap check
  for (uint16_t i = 0; i < count; ++i) {
    const uint8_t* e = p + kTableHeaderSize + size_t{i} * kEntrySize;
    MetadataItem item;
    std::memcpy(item.id.bytes.data(), e, 16);
    const uint32_t offset = LoadLE<uint32_t>(e + 16);
    const uint32_t length = LoadLE<uint32_t>(e + 20);
    const uint32_t flags = LoadLE<uint32_t>(e + 24);
    item.is_user = (flags & kIsUser) != 0;
    item.is_virtual_disk = (flags & kIsVirtualDisk) != 0;
    item.is_required = (flags & kIsRequired) != 0;
    const KnownItem* known = item.is_user ? nullptr : FindKnown(item.id);
    const std::string field = "metadata entry " + std::to_string(i) + " (" +
                              (known ? known->name : item.id.ToString()) + ")";
    if (length > kMaxMetadataItemSize) {
      return corrupt(field + ": Length expected at most 1 MiB, found " + std::to_string(length));
    }
    if (length == 0 ? offset != 0
                    : (offset < kMetadataTableSize || offset > region.size() ||
                       length > region.size() - offset)) {
      return corrupt(field + ": item at Offset " + std::to_string(offset) + " with Length " +
                     std::to_string(length) + " does not lie in the region after the table (" +
                     std::to_string(region.size()) + " bytes)");
    }
    for (const MetadataItem& seen : md.items) {
      if (seen.id == item.id && seen.is_user == item.is_user) {
        return corrupt(field + ": ItemId appears twice");
      }
    }
    if (!item.is_user && known == nullptr && item.is_required) {
      return Error(Code::kUnsupported, where + ": " + field + " is a required item hvr does not know");
    }
    if (known != nullptr && length < known->min_length) {
      return corrupt(field + ": Length expected at least " + std::to_string(known->min_length) +
                     ", found " + std::to_string(length));
    }
    if (length > 0) spans.emplace_back(offset, length);
    item.data.assign(p + offset, p + offset + length);
    md.items.push_back(std::move(item));
  }
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i) {
    if (spans[i - 1].first + spans[i - 1].second > spans[i].first) {
      return corrupt("metadata items at offsets " + std::to_string(spans[i - 1].first) + " and " +
                     std::to_string(spans[i].first) + " overlap");
    }
  }

  const auto require = [&](const Guid& id, const char* name) -> Result<const MetadataItem*> {
    const MetadataItem* item = FindSystemItem(md.items, id);
    if (item == nullptr) return corrupt(std::string("required metadata item ") + name + " is missing");
    return item;
  };
  HVR_ASSIGN_OR_RETURN(const MetadataItem* params, require(kFileParametersItem, "File Parameters"));
  md.block_size = LoadLE<uint32_t>(params->data.data());
  const uint32_t bits = LoadLE<uint32_t>(params->data.data() + 4);
  md.leave_block_allocated = (bits & kLeaveBlockAllocated) != 0;
  md.has_parent = (bits & kHasParent) != 0;
  if (md.block_size < kMinBlockSize || md.block_size > kMaxBlockSize ||
      !std::has_single_bit(md.block_size)) {
    return corrupt("File Parameters: BlockSize expected a power of two from 1 MiB to 256 MiB, found " +
                   std::to_string(md.block_size));
  }
  HVR_ASSIGN_OR_RETURN(const MetadataItem* lss, require(kLogicalSectorSizeItem, "Logical Sector Size"));
  md.logical_sector_size = LoadLE<uint32_t>(lss->data.data());
  if (md.logical_sector_size != 512 && md.logical_sector_size != 4096) {
    return corrupt("Logical Sector Size: expected 512 or 4096, found " +
                   std::to_string(md.logical_sector_size));
  }
  HVR_ASSIGN_OR_RETURN(const MetadataItem* pss, require(kPhysicalSectorSizeItem, "Physical Sector Size"));
  md.physical_sector_size = LoadLE<uint32_t>(pss->data.data());
  if (md.physical_sector_size != 512 && md.physical_sector_size != 4096) {
    return corrupt("Physical Sector Size: expected 512 or 4096, found " +
                   std::to_string(md.physical_sector_size));
  }
  HVR_ASSIGN_OR_RETURN(const MetadataItem* vds, require(kVirtualDiskSizeItem, "Virtual Disk Size"));
  md.virtual_size = LoadLE<uint64_t>(vds->data.data());
  if (md.virtual_size == 0 || md.virtual_size > kMaxVirtualSize ||
      md.virtual_size % md.logical_sector_size != 0) {
    return corrupt("Virtual Disk Size: expected a multiple of the logical sector size " +
                   std::to_string(md.logical_sector_size) + " from 1 sector to 64 TiB, found " +
                   std::to_string(md.virtual_size));
  }
  HVR_ASSIGN_OR_RETURN(const MetadataItem* vdid, require(kVirtualDiskIdItem, "Virtual Disk ID"));
  std::memcpy(md.virtual_disk_id.bytes.data(), vdid->data.data(), 16);
  if (md.has_parent) {
    HVR_ASSIGN_OR_RETURN(const MetadataItem* locator, require(kParentLocatorItem, "Parent Locator"));
    HVR_ASSIGN_OR_RETURN(ParentLocator parsed, DecodeParentLocator(locator->data, where));
    md.parent_locator = std::move(parsed);
  }
  return md;
}

std::vector<MetadataItem> ItemsFor(const DiskMetadata& metadata) {
  std::vector<uint8_t> params(8, 0);
  StoreLE<uint32_t>(params.data(), metadata.block_size);
  StoreLE<uint32_t>(params.data() + 4, (metadata.leave_block_allocated ? kLeaveBlockAllocated : 0) |
                                           (metadata.has_parent ? kHasParent : 0));
  std::vector<MetadataItem> known = {
      MakeItem(kFileParametersItem, std::move(params)),
      MakeItem(kVirtualDiskSizeItem, LittleEndianBytes<uint64_t>(metadata.virtual_size)),
      MakeItem(kVirtualDiskIdItem,
               std::vector<uint8_t>(metadata.virtual_disk_id.bytes.begin(),
                                    metadata.virtual_disk_id.bytes.end())),
      MakeItem(kLogicalSectorSizeItem, LittleEndianBytes<uint32_t>(metadata.logical_sector_size)),
      MakeItem(kPhysicalSectorSizeItem, LittleEndianBytes<uint32_t>(metadata.physical_sector_size)),
  };
  if (metadata.has_parent && metadata.parent_locator) {
    known.push_back(MakeItem(kParentLocatorItem, EncodeParentLocator(*metadata.parent_locator)));
  }
  // Keep every item hvr does not manage, in its place after the known ones.
  std::vector<MetadataItem> items = std::move(known);
  for (const MetadataItem& item : metadata.items) {
    if (!item.is_user && FindKnown(item.id) != nullptr) continue;
    items.push_back(item);
  }
  return items;
}

Result<std::vector<uint8_t>> EncodeMetadataRegion(const std::vector<MetadataItem>& items,
                                                  uint64_t region_length) {
  if (items.size() > kMaxMetadataEntries) {
    return Error(Code::kInvalidArgument, "metadata: too many items (" + std::to_string(items.size()) + ")");
  }
  std::vector<uint8_t> out(static_cast<size_t>(region_length), 0);
  StoreLE<uint64_t>(out.data(), kMetadataSignature);
  StoreLE<uint16_t>(out.data() + 10, static_cast<uint16_t>(items.size()));
  uint64_t next = kMetadataTableSize;
  for (size_t i = 0; i < items.size(); ++i) {
    const MetadataItem& item = items[i];
    if (item.data.size() > kMaxMetadataItemSize || next + item.data.size() > region_length) {
      return Error(Code::kInvalidArgument,
                   "metadata: items do not fit in a region of " + std::to_string(region_length) + " bytes");
    }
    uint8_t* e = out.data() + kTableHeaderSize + i * kEntrySize;
    std::memcpy(e, item.id.bytes.data(), 16);
    StoreLE<uint32_t>(e + 16, item.data.empty() ? 0 : static_cast<uint32_t>(next));
    StoreLE<uint32_t>(e + 20, static_cast<uint32_t>(item.data.size()));
    StoreLE<uint32_t>(e + 24, (item.is_user ? kIsUser : 0) | (item.is_virtual_disk ? kIsVirtualDisk : 0) |
                                  (item.is_required ? kIsRequired : 0));
    if (!item.data.empty()) {
      std::memcpy(out.data() + next, item.data.data(), item.data.size());
      next += item.data.size();
    }
  }
  return out;
}

}  // namespace hvr::vhdx
