#include "disk/vhdx_bat.hpp"

#include "disk/vhdx_format.hpp"

namespace hvr::vhdx {

BatGeometry BatGeometry::For(uint64_t virtual_size, uint32_t block_size,
                             uint32_t logical_sector_size, bool has_parent) {
  BatGeometry g;
  g.virtual_size = virtual_size;
  g.block_size = block_size;
  g.logical_sector_size = logical_sector_size;
  g.chunk_ratio = kSectorsPerBitmapBlock * logical_sector_size / block_size;
  g.payload_blocks = (virtual_size + block_size - 1) / block_size;
  g.bitmap_blocks = (g.payload_blocks + g.chunk_ratio - 1) / g.chunk_ratio;
  // MS-VHDX 2.5: a differencing file holds every chunk's sector bitmap entry; fixed and
  // dynamic files end with the last payload entry.
  g.entries = has_parent ? g.bitmap_blocks * (g.chunk_ratio + 1)
                         : g.payload_blocks + (g.payload_blocks - 1) / g.chunk_ratio;
  return g;
}

}  // namespace hvr::vhdx
