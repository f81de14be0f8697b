// Flat images: the virtual disk is the file's bytes from offset 0. A raw image is the
// whole file; a fixed VHD is everything before its footer. Sparse files report their
// holes as unallocated.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "hvr/disk.hpp"
#include "hvr/disk_writer.hpp"
#include "util/file.hpp"

namespace hvr {

// Reads are lock-free and may run in parallel.
class RawDisk final : public DiskReader {
 public:
  static Result<std::unique_ptr<RawDisk>> Open(const std::string& path);
  // The first info.virtual_size bytes of `file`, described by `info` (a fixed VHD).
  static std::unique_ptr<RawDisk> Over(File file, DiskInfo info);

  const DiskInfo& info() const override { return info_; }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<std::vector<ByteRange>> AllocatedRanges() const override;

 private:
  RawDisk(File file, DiskInfo info) : file_(std::move(file)), info_(std::move(info)) {}
  File file_;
  DiskInfo info_;
};

// Writes a flat image in place. Lock-free: writes to different ranges run in parallel.
// All-zero 4 KiB granules become holes.
class FlatWriter final : public DiskWriter {
 public:
  // A raw image, or the data of a fixed VHD when `info` says so.
  static std::unique_ptr<FlatWriter> Over(File file, DiskInfo info);

  const DiskInfo& info() const override { return info_; }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<std::vector<ByteRange>> AllocatedRanges() const override;
  Status Write(uint64_t offset, std::span<const uint8_t> data) override;
  Status WriteZeros(uint64_t offset, uint64_t length) override;
  Status Flush() override;
  Status Close() override;

 private:
  FlatWriter(File file, DiskInfo info) : file_(std::move(file)), info_(std::move(info)) {}
  File file_;
  DiskInfo info_;
  std::atomic<bool> closed_{false};
};

// The data ranges of the first `size` bytes of a sparse file.
Result<std::vector<ByteRange>> FileDataRanges(const File& file, uint64_t size);

}  // namespace hvr
