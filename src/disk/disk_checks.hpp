// Argument checks every disk reader and writer makes, with the same message.
#pragma once

#include <cstdint>

#include "hvr/disk.hpp"

namespace hvr {

// kInvalidArgument unless [offset, offset + length) lies inside the virtual size.
Status CheckRange(const DiskInfo& info, uint64_t offset, uint64_t length);

}  // namespace hvr
