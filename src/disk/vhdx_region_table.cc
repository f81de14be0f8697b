#include "disk/vhdx_region_table.hpp"

#include <cstring>

#include "util/crc32c.hpp"
#include "util/endian.hpp"
#include "util/hex.hpp"

namespace hvr::vhdx {
namespace {

constexpr size_t kTableHeaderSize = 16;
constexpr size_t kEntrySize = 32;
constexpr size_t kChecksum = 4;

}  // namespace

std::vector<uint8_t> EncodeRegionTable(const std::vector<RegionEntry>& entries) {
  std::vector<uint8_t> out(kRegionTableSize, 0);
  uint8_t* p = out.data();
  StoreLE<uint32_t>(p, kRegionSignature);
  StoreLE<uint32_t>(p + 8, static_cast<uint32_t>(entries.size()));
  for (size_t i = 0; i < entries.size(); ++i) {
    uint8_t* e = p + kTableHeaderSize + i * kEntrySize;
    std::memcpy(e, entries[i].guid.bytes.data(), 16);
    StoreLE<uint64_t>(e + 16, entries[i].file_offset);
    StoreLE<uint32_t>(e + 24, entries[i].length);
    StoreLE<uint32_t>(e + 28, entries[i].required ? 1 : 0);
  }
  StoreLE<uint32_t>(p + kChecksum, Crc32cWithZeroedField(out, kChecksum));
  return out;
}

Result<RegionTable> DecodeRegionTable(std::span<const uint8_t> bytes, const std::string& where,
                                      uint64_t file_size) {
  const auto corrupt = [&](const std::string& what) {
    return Error(Code::kCorruptData, where + ": " + what);
  };
  if (bytes.size() != kRegionTableSize) return corrupt("short region table");
  const uint8_t* p = bytes.data();
  const uint32_t signature = LoadLE<uint32_t>(p);
  if (signature != kRegionSignature) {
    return corrupt("Signature expected \"regi\", found " + Hex32(signature));
  }
  const uint32_t stored = LoadLE<uint32_t>(p + kChecksum);
  const uint32_t computed = Crc32cWithZeroedField(bytes, kChecksum);
  if (stored != computed) {
    return corrupt("Checksum expected " + Hex32(computed) + ", found " + Hex32(stored));
  }
  const uint32_t count = LoadLE<uint32_t>(p + 8);
  if (count > kMaxRegionEntries) {
    return corrupt("EntryCount expected at most 2047, found " + std::to_string(count));
  }
  RegionTable table;
  bool have_bat = false;
  bool have_metadata = false;
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t* e = p + kTableHeaderSize + i * kEntrySize;
    RegionEntry entry;
    std::memcpy(entry.guid.bytes.data(), e, 16);
    entry.file_offset = LoadLE<uint64_t>(e + 16);
    entry.length = LoadLE<uint32_t>(e + 24);
    entry.required = (LoadLE<uint32_t>(e + 28) & 1) != 0;
    const std::string field = "entry " + std::to_string(i) + " (" + entry.guid.ToString() + ")";
    if (entry.file_offset % kAlignment != 0 || entry.file_offset < kHeaderSectionSize ||
        entry.length % kAlignment != 0) {
      return corrupt(field + ": FileOffset " + std::to_string(entry.file_offset) + " and Length " +
                     std::to_string(entry.length) +
                     " must be multiples of 1 MiB, the offset at least 1 MiB");
    }
    if (entry.file_offset > file_size || entry.length > file_size - entry.file_offset) {
      return corrupt(field + ": region at FileOffset " + std::to_string(entry.file_offset) +
                     " with Length " + std::to_string(entry.length) + " ends beyond the file size " +
                     std::to_string(file_size));
    }
    for (const RegionEntry& seen : table.entries) {
      if (seen.guid == entry.guid) return corrupt(field + ": Guid appears twice");
    }
    if (entry.guid == kBatRegion) {
      table.bat = entry;
      have_bat = true;
    } else if (entry.guid == kMetadataRegion) {
      table.metadata = entry;
      have_metadata = true;
    } else if (entry.required) {
      return Error(Code::kUnsupported,
                   where + ": " + field + " is a required region hvr does not know");
    }
    table.entries.push_back(entry);
  }
  if (!have_bat || table.bat.length == 0) return corrupt("no BAT region (2dc27766-...)");
  if (!have_metadata || table.metadata.length == 0) {
    return corrupt("no metadata region (8b7ca206-...)");
  }
  return table;
}

}  // namespace hvr::vhdx
