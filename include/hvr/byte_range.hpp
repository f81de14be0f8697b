// A half-open byte range of a virtual disk: the vocabulary disks, Replica Logs, manifests
// and stores share, in a header of its own so that none of them needs another's.
#pragma once

#include <cstdint>

namespace hvr {

// [offset, offset + length).
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t end() const { return offset + length; }
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

}  // namespace hvr
