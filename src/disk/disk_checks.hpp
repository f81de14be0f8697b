// Checks and arithmetic every disk format needs, with the same messages everywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hvr/disk.hpp"
#include "util/align.hpp"

namespace hvr {

// kInvalidArgument unless [offset, offset + length) lies inside the virtual size.
Status CheckRange(const DiskInfo& info, uint64_t offset, uint64_t length);

// One structure an image file holds, for the overlap check. Images hold millions of
// blocks, so the name is built only for an error message: `what` alone ("the BAT region"),
// or `what` and `index` ("payload block 7").
struct Extent {
  uint64_t offset;
  uint64_t length;
  std::string_view what;  // a string literal
  int64_t index = -1;

  std::string Name() const;
};

// kCorruptData naming `path` and both structures when two extents overlap.
Status CheckNoOverlap(std::vector<Extent> extents, const std::string& path);

// kInvalidArgument when the name of a new image `path` claims another format than the
// `format` it is created in (DiskFormatOfName): it would be opened as what it claims.
Status CheckNameClaims(const std::string& path, DiskFormat format);

}  // namespace hvr
