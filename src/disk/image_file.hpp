// The file under a VHDX or VHD image, for positional reads and writes. A read-only open
// of a VHDX whose log is not empty replays the log here, in memory: the overlay holds the
// replayed sectors and reads see them, while the file itself stays untouched. The logical
// size may exceed the file's (replay may extend it); the difference reads as zeros.
//
// Reads are thread-safe. Writes and overlay changes are not: the owner serialises them.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "hvr/error.hpp"
#include "util/file.hpp"

namespace hvr {

class ImageFile {
 public:
  static Result<ImageFile> Open(const std::string& path, File::Mode mode);

  const std::string& path() const { return file_.path(); }
  File& file() { return file_; }
  // The size reads may reach: the file's, or larger after an in-memory log replay.
  uint64_t size() const { return logical_size_; }

  // Reads exactly out.size() bytes: the file's bytes, patched by the overlay, zeros past
  // the end of the file up to size(). Past size() is kCorruptData.
  Status ReadAt(uint64_t offset, std::span<uint8_t> out) const;

  // Writes through to the file (never the overlay), growing size() when it extends it.
  Status WriteAt(uint64_t offset, std::span<const uint8_t> data);
  // Sets the file's size (growing with zeros, or shrinking).
  Status Resize(uint64_t size);
  Status Sync() { return file_.Sync(); }

  // In-memory replay: later patches win over earlier ones where they overlap. An empty
  // `data` means `length` zero bytes.
  void Patch(uint64_t offset, uint64_t length, std::vector<uint8_t> data);
  void GrowLogicalSize(uint64_t size);
  bool patched() const { return !overlay_.empty(); }

 private:
  struct PatchData {
    uint64_t length;
    std::vector<uint8_t> data;  // empty: zeros
  };
  ImageFile(File file, uint64_t size) : file_(std::move(file)), physical_size_(size), logical_size_(size) {}

  File file_;
  uint64_t physical_size_;
  uint64_t logical_size_;
  std::map<uint64_t, PatchData> overlay_;  // disjoint, keyed by offset
};

}  // namespace hvr
