// A VHDX opened read-only (fixed, dynamic or differencing). Reads are lock-free and may
// run in parallel: everything they touch is immutable after Open.
#pragma once

#include <memory>
#include <string>

#include "disk/disk_chain.hpp"
#include "disk/vhdx_image.hpp"
#include "hvr/disk.hpp"

namespace hvr {

class VhdxReader final : public DiskReader {
 public:
  static Result<std::unique_ptr<VhdxReader>> Open(const std::string& path, ChainContext& chain);

  const DiskInfo& info() const override { return image_->info; }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<std::vector<ByteRange>> AllocatedRanges() const override;
  const DiskReader* parent() const override { return image_->parent.get(); }

 private:
  explicit VhdxReader(std::unique_ptr<vhdx::Image> image) : image_(std::move(image)) {}
  std::unique_ptr<vhdx::Image> image_;
};

}  // namespace hvr
