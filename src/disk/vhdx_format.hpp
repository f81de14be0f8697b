// Constants of the VHDX format (MS-VHDX): where the fixed structures live, their
// signatures, and the GUIDs of the known regions, metadata items and parent locator type.
// Everything on disk is little-endian.
#pragma once

#include <cstdint>

#include "hvr/guid.hpp"

namespace hvr::vhdx {

inline constexpr uint64_t kKiB = 1024;
inline constexpr uint64_t kMiB = 1024 * kKiB;
inline constexpr uint64_t kGiB = 1024 * kMiB;
inline constexpr uint64_t kTiB = 1024 * kGiB;

// The header section (MS-VHDX 2.2): 1 MiB holding five 64 KiB items.
inline constexpr uint64_t kFileIdentifierOffset = 0;
inline constexpr uint64_t kHeaderOffsets[2] = {64 * kKiB, 128 * kKiB};
inline constexpr uint64_t kRegionTableOffsets[2] = {192 * kKiB, 256 * kKiB};
inline constexpr uint64_t kHeaderSectionSize = kMiB;
inline constexpr size_t kHeaderSize = 4096;            // the checksummed part of a header
inline constexpr size_t kRegionTableSize = 64 * kKiB;  // the checksummed region table
inline constexpr uint32_t kMaxRegionEntries = 2047;

// Everything outside the header section is aligned to 1 MiB (MS-VHDX 2.1).
inline constexpr uint64_t kAlignment = kMiB;

// The log works in 4 KiB sectors (MS-VHDX 2.3).
inline constexpr size_t kLogSectorSize = 4096;

// Limits from the specification.
inline constexpr uint64_t kMaxVirtualSize = 64 * kTiB;
inline constexpr uint32_t kMinBlockSize = 1 * kMiB;
inline constexpr uint32_t kMaxBlockSize = 256 * kMiB;
inline constexpr uint64_t kSectorBitmapBlockSize = kMiB;
// Sectors described by one sector bitmap block: 2^23 (8 Mi bits in 1 MiB).
inline constexpr uint64_t kSectorsPerBitmapBlock = uint64_t{1} << 23;
inline constexpr uint32_t kMaxMetadataEntries = 2047;
inline constexpr uint64_t kMetadataTableSize = 64 * kKiB;
inline constexpr uint32_t kMaxMetadataItemSize = kMiB;

// Signatures, as the little-endian integers the specification gives.
inline constexpr uint64_t kFileSignature = 0x656C696678646876;  // "vhdxfile"
inline constexpr uint32_t kHeaderSignature = 0x64616568;        // "head"
inline constexpr uint32_t kRegionSignature = 0x69676572;        // "regi"
inline constexpr uint32_t kLogEntrySignature = 0x65676F6C;      // "loge"
inline constexpr uint32_t kZeroDescriptorSignature = 0x6F72657A;  // "zero"
inline constexpr uint32_t kDataDescriptorSignature = 0x63736564;  // "desc"
inline constexpr uint32_t kDataSectorSignature = 0x61746164;      // "data"
inline constexpr uint64_t kMetadataSignature = 0x617461646174656D;  // "metadata"

// A GUID written as text ("2DC27766-F623-4200-9D64-115E9BFD4A08"), turned into the
// on-disk byte order at compile time.
constexpr Guid GuidLiteral(const char (&text)[37]) {
  constexpr int kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  const auto nibble = [](char c) -> uint8_t {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
    return static_cast<uint8_t>(c - 'A' + 10);
  };
  Guid guid;
  int pos = 0;
  for (int i = 0; i < 16; ++i) {
    if (text[pos] == '-') ++pos;
    guid.bytes[static_cast<size_t>(kOrder[i])] =
        static_cast<uint8_t>(nibble(text[pos]) << 4 | nibble(text[pos + 1]));
    pos += 2;
  }
  return guid;
}

// Regions (MS-VHDX 2.2.3.2).
inline constexpr Guid kBatRegion = GuidLiteral("2DC27766-F623-4200-9D64-115E9BFD4A08");
inline constexpr Guid kMetadataRegion = GuidLiteral("8B7CA206-4790-4B9A-B8FE-575F050F886E");

// Metadata items (MS-VHDX 2.6.2).
inline constexpr Guid kFileParametersItem = GuidLiteral("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
inline constexpr Guid kVirtualDiskSizeItem = GuidLiteral("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
inline constexpr Guid kVirtualDiskIdItem = GuidLiteral("BECA12AB-B2E6-4523-93EF-C309E000C746");
inline constexpr Guid kLogicalSectorSizeItem =
    GuidLiteral("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
inline constexpr Guid kPhysicalSectorSizeItem =
    GuidLiteral("CDA348C7-445D-4471-9CC9-E9885251C556");
inline constexpr Guid kParentLocatorItem = GuidLiteral("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");

// The one parent locator type the specification defines (MS-VHDX 2.6.2.6.3).
inline constexpr Guid kVhdxParentLocatorType =
    GuidLiteral("B04AEFB7-D19E-4A81-B789-25B8E9445913");

}  // namespace hvr::vhdx
