// A raw image: the file is the disk. Sparse files report their holes as unallocated.
#pragma once

#include <memory>
#include <string>

#include "hvr/disk.hpp"
#include "util/file.hpp"

namespace hvr {

class RawDisk final : public DiskReader {
 public:
  static Result<std::unique_ptr<RawDisk>> Open(const std::string& path);

  const DiskInfo& info() const override { return info_; }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<std::vector<ByteRange>> AllocatedRanges() const override;

 private:
  RawDisk(File file, DiskInfo info) : file_(std::move(file)), info_(std::move(info)) {}
  File file_;
  DiskInfo info_;
};

}  // namespace hvr
