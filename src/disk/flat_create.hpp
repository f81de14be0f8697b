// Laying out new flat images in an empty file: a sparse raw image, or a fixed VHD (sparse
// data and its footer). CreateRaw and CreateFixedVhd publish them; conversion fills them
// first.
#pragma once

#include <cstdint>

#include "hvr/error.hpp"
#include "util/file.hpp"

namespace hvr {

Status LayOutRaw(File& file, uint64_t virtual_size);
// `virtual_size` must be a positive whole number of MiB (Azure's rule).
Status LayOutFixedVhd(File& file, uint64_t virtual_size);

}  // namespace hvr
