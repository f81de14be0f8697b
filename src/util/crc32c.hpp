// CRC-32C (Castagnoli, polynomial 0x1EDC6F41), the checksum of every VHDX structure.
// Computed by Boost.CRC; VHDX checksums cover at most a log entry or a 64 KiB table, so
// a table-driven CRC is fast enough and no hand-written table or intrinsic is needed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace hvr {

uint32_t Crc32c(std::span<const uint8_t> data);

// The CRC of `data` as if the 4 bytes at `field_offset` were zero: how VHDX checksums are
// defined (the Checksum field counts as zero while it is computed).
uint32_t Crc32cWithZeroedField(std::span<const uint8_t> data, size_t field_offset);

}  // namespace hvr
