// The packed little-endian structures of MS-HRL section 2: the 4096-byte log header, the
// 32-byte metadata header and the 32-byte metadata entry, with their checksums.
// Decoding checks what a structure can check on its own; where it sits in the log is
// the reader's business.
#pragma once

#include <array>
#include <functional>
#include <cstdint>
#include <span>
#include <string>

#include "hvr/error.hpp"
#include "hvr/hrl.hpp"

namespace hvr::hrl {

inline constexpr size_t kHeaderSize = kHrlHeaderSize;
inline constexpr size_t kMetadataHeaderSize = 32;
inline constexpr size_t kEntrySize = 32;
// Room for the metadata header and one entry; the specification names no minimum.
inline constexpr uint32_t kMinMetadataSize = kMetadataHeaderSize + kEntrySize;
// The reader holds one metadata block in memory. Hyper-V uses 4096; a header asking
// for more than this is refused rather than allocated (kUnsupported).
inline constexpr uint32_t kMaxMetadataSize = 1 << 20;
inline constexpr uint8_t kMetaOperationWrite = 1;

// Entries a metadata block of `metadata_size` bytes holds after its header.
inline uint32_t EntryCapacity(uint32_t metadata_size) {
  return (metadata_size - kMetadataHeaderSize) / kEntrySize;
}

// "<file>: what at offset N", the prefix of every message about one structure.
std::string Where(const std::string& path, const std::string& what, uint64_t offset);

// Says where a structure is, for messages; called only when something is wrong, so
// readers build no strings for the millions of entries that are fine.
using WhereFn = std::function<std::string()>;

// kCorruptData "<where>: <field> expected <expected>, found <found>".
Error Corrupt(const std::string& where, const std::string& field, const std::string& expected,
              const std::string& found);

inline constexpr size_t kHeaderChecksumOffset = 40;

// Whether the log a header belongs to can be trusted to hold all its writes: it was
// closed (kLogNotClosed otherwise) and its writer recorded no error (kResyncRequired).
Status CheckComplete(const HrlHeader& header);

// Encodes `header` with a freshly computed Checksum (header.checksum is ignored).
std::array<uint8_t, kHeaderSize> EncodeHeader(const HrlHeader& header);

// Checks cookie, checksum, version, file type and metadata size; EOLLocation may be 0.
Result<HrlHeader> DecodeHeader(std::span<const uint8_t, kHeaderSize> bytes,
                               const std::string& path);

struct MetadataHeader {
  // Distance back from this block to the previous one; 0 for the first block.
  uint64_t previous_metadata_location = 0;
  uint32_t valid_metadata_entries = 0;
};

void EncodeMetadataHeader(const MetadataHeader& header, std::span<uint8_t, kMetadataHeaderSize> out);
// Checks the metadata header's checksum. `where` names the block.
Result<MetadataHeader> DecodeMetadataHeader(std::span<const uint8_t, kMetadataHeaderSize> bytes,
                                            const WhereFn& where);

struct MetadataEntry {
  uint64_t byte_offset = 0;
  uint32_t data_length = 0;
  uint32_t timestamp = 0;
  uint8_t meta_operation = kMetaOperationWrite;
  uint32_t data_checksum = 0;  // 0: none recorded
};

void EncodeEntry(const MetadataEntry& entry, std::span<uint8_t, kEntrySize> out);
// Checks the entry's checksum and its MetaOperation. `where` names the entry.
Result<MetadataEntry> DecodeEntry(std::span<const uint8_t, kEntrySize> bytes, const WhereFn& where);

}  // namespace hvr::hrl
