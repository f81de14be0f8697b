// The checksum of MS-HRL 2.6: the one's complement of the sum of the bytes, modulo 2^32.
// Every byte of a log's data passes through it once, so it is the reader's hot loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace hvr::hrl {

// The sum of the bytes modulo 2^32. Sums of pieces add up to the sum of the whole, so
// data may be summed as it streams past.
uint32_t ByteSum(std::span<const uint8_t> bytes);

// MS-HRL's checksum of a whole buffer: ~ByteSum.
inline uint32_t Checksum(std::span<const uint8_t> bytes) { return ~ByteSum(bytes); }

// MS-HRL's checksum of a structure whose own 4-byte Checksum field at `field_offset` is
// left out of the sum (the same as summing with the field set to zero).
uint32_t ChecksumExcludingField(std::span<const uint8_t> bytes, size_t field_offset);

}  // namespace hvr::hrl
