// Writing virtual disks: an existing raw image, VHD (fixed, dynamic, differencing) or
// VHDX (fixed, dynamic, differencing) opened for writing.
//
// Writes behave like a disk with a write cache: Write returns once the data is in the
// file, Flush makes every completed write durable, and a crash between the two may lose
// recent writes but never leaves an inconsistent file. VHDX metadata (BAT, sector
// bitmaps) changes only through the VHDX log, as MS-VHDX requires; the first write after
// opening gives the file a new DataWriteGuid (read it from info() after writing).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "hvr/disk.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"

namespace hvr {

// A DiskReader that can also write. Thread-safe: calls may come from several threads.
// Raw and fixed VHD images write in parallel; VHDX and dynamic VHD images take one call
// at a time (block allocation and the log are serial). info() describes the image as of
// the last call that returned.
class DiskWriter : public DiskReader {
 public:
  // Writes `data` at `offset` (any offset and length inside the virtual size), allocating
  // blocks as needed.
  virtual Status Write(uint64_t offset, std::span<const uint8_t> data) = 0;
  // Makes [offset, offset + length) read as zeros, deallocating whole blocks (or holes in
  // raw files) where the format allows.
  virtual Status WriteZeros(uint64_t offset, uint64_t length) = 0;
  // Makes every write that has returned durable, metadata included.
  virtual Status Flush() = 0;
  // Flushes and leaves the file clean (a VHDX with an empty log). Later calls fail with
  // kInvalidArgument. Destroying an open writer closes it and drops any error, so call
  // Close to learn whether it worked; either way the file stays consistent.
  virtual Status Close() = 0;
};

struct WriteOptions {
  // VHDX: the DataWriteGuid the first write sets, instead of a random one. Merging uses
  // it to record the parent's next identity in the child before the parent changes.
  std::optional<Guid> data_write_guid;
  // The image's format (or, unset, how it is chosen) and how the parents of a
  // differencing disk are opened.
  OpenDiskOptions open;
};

// Opens an image for writing, in the format OpenDisk would read it as. A VHDX whose log
// holds updates is replayed into the file first.
Result<std::unique_ptr<DiskWriter>> OpenDiskForWrite(const std::string& path,
                                                     const WriteOptions& options = {});

}  // namespace hvr
