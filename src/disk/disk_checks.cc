#include "disk/disk_checks.hpp"

#include <string>

namespace hvr {

Status CheckRange(const DiskInfo& info, uint64_t offset, uint64_t length) {
  if (offset > info.virtual_size || length > info.virtual_size - offset) {
    return Error(Code::kInvalidArgument, info.path + ": " + std::to_string(length) + " bytes at offset " +
                                             std::to_string(offset) + " are beyond the virtual size " +
                                             std::to_string(info.virtual_size));
  }
  return Ok();
}

}  // namespace hvr
