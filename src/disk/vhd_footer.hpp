// The 512-byte VHD footer (Microsoft's Virtual Hard Disk Image Format Specification),
// big-endian. Every VHD ends with one; dynamic and differencing disks also start with a
// copy. An Azure disk is a page blob holding the raw disk followed by a fixed-disk footer
// whose size is a whole number of MiB.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"
#include "util/vhd_time.hpp"

namespace hvr::vhd {

inline constexpr size_t kFooterSize = 512;
inline constexpr uint64_t kNoDataOffset = ~uint64_t{0};  // fixed disks: no dynamic header

enum class DiskType : uint32_t { kFixed = 2, kDynamic = 3, kDifferencing = 4 };

struct Geometry {
  uint16_t cylinders = 0;
  uint8_t heads = 0;
  uint8_t sectors_per_track = 0;
  friend bool operator==(const Geometry&, const Geometry&) = default;
};

// The CHS geometry the specification's algorithm gives for a size; sizes beyond what
// CHS can express get the maximum geometry 65535/16/255.
Geometry GeometryFor(uint64_t size_bytes);

struct Footer {
  uint64_t data_offset = kNoDataOffset;
  uint32_t timestamp = 0;  // seconds since 2000-01-01 00:00:00 UTC
  std::array<char, 4> creator_application{'w', 'i', 'n', ' '};
  uint32_t creator_version = 0x000a0000;
  std::array<char, 4> creator_host_os{'W', 'i', '2', 'k'};
  uint64_t original_size = 0;
  uint64_t current_size = 0;
  Geometry geometry;
  DiskType disk_type = DiskType::kFixed;
  Guid unique_id;
  uint8_t saved_state = 0;
};

// The footer of a fixed VHD of `size_bytes` (a whole number of MiB, as Azure requires).
// Creator "win ": readers such as qemu then take the size from Current Size rather than
// from the CHS geometry, which cannot express most sizes exactly.
Result<Footer> MakeFixedFooter(uint64_t size_bytes, const Guid& unique_id, TimePoint created);

// `footer` of a fixed disk grown to `size_bytes` (a whole number of MiB): the current
// size and geometry follow, the identity and the original size stay.
Result<Footer> GrowFixedFooter(const Footer& footer, uint64_t size_bytes);

// The VHD checksum: one's complement of the sum of every byte but the 4-byte checksum
// field at `checksum_offset` (footer and dynamic header alike).
uint32_t Checksum(std::span<const uint8_t> bytes, size_t checksum_offset);

std::array<uint8_t, kFooterSize> Encode(const Footer& footer);

// A footer's time stamp is the one Replica Logs use too (util/vhd_time.hpp).
using hvr::VhdTimestamp;

// Parses and validates cookie, version, checksum and disk type. `where` names the file
// and offset for messages ("disk.vhd: footer at offset 1048576").
Result<Footer> Decode(std::span<const uint8_t, kFooterSize> bytes, const std::string& where);

}  // namespace hvr::vhd
