// Writers of block-mapped images (VHDX, dynamic and differencing VHD) allocate blocks and
// mark sector bitmaps, so they take writes as whole sectors inside one block at a time.
// WriteWholeSectors cuts any write into such pieces: a partial sector at either end is
// read (with the parent's data where the image has none), patched and written whole.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "hvr/error.hpp"

namespace hvr {

using ReadFn = std::function<Status(uint64_t offset, std::span<uint8_t> out)>;
using WriteBlockPartFn = std::function<Status(uint64_t block, uint64_t in_block, std::span<const uint8_t> part)>;

Status WriteWholeSectors(uint64_t offset, std::span<const uint8_t> data, uint64_t sector_size,
                         uint64_t block_size, const ReadFn& read, const WriteBlockPartFn& write_block_part);

}  // namespace hvr
