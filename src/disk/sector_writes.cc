#include "disk/sector_writes.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "disk/disk_checks.hpp"

namespace hvr {
namespace {

Status WriteAligned(uint64_t offset, std::span<const uint8_t> data, uint64_t block_size,
                    const WriteBlockPartFn& write_block_part) {
  size_t done = 0;
  while (done < data.size()) {
    const uint64_t pos = offset + done;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(block_size - pos % block_size, data.size() - done));
    HVR_RETURN_IF_ERROR(write_block_part(pos / block_size, pos % block_size, data.subspan(done, n)));
    done += n;
  }
  return Ok();
}

}  // namespace

Status WriteWholeSectors(uint64_t offset, std::span<const uint8_t> data, uint64_t sector_size,
                         uint64_t block_size, const ReadFn& read, const WriteBlockPartFn& write_block_part) {
  const uint64_t end = offset + data.size();
  const auto read_modify_write = [&](uint64_t sector_start) -> Status {
    std::vector<uint8_t> sector(sector_size);
    HVR_RETURN_IF_ERROR(read(sector_start, sector));
    const uint64_t from = std::max(offset, sector_start);
    const uint64_t to = std::min(end, sector_start + sector_size);
    std::memcpy(sector.data() + (from - sector_start), data.data() + (from - offset), to - from);
    return WriteAligned(sector_start, sector, block_size, write_block_part);
  };
  const uint64_t aligned_start = RoundUp(offset, sector_size);
  const uint64_t aligned_end = RoundDown(end, sector_size);
  if (aligned_start > aligned_end) return read_modify_write(RoundDown(offset, sector_size));  // inside one sector
  if (offset % sector_size != 0) HVR_RETURN_IF_ERROR(read_modify_write(RoundDown(offset, sector_size)));
  if (aligned_end > aligned_start) {
    HVR_RETURN_IF_ERROR(WriteAligned(aligned_start, data.subspan(aligned_start - offset, aligned_end - aligned_start),
                                     block_size, write_block_part));
  }
  if (end % sector_size != 0) HVR_RETURN_IF_ERROR(read_modify_write(aligned_end));
  return Ok();
}

}  // namespace hvr
