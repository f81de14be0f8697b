#include "disk/vhdx_reader.hpp"

#include "disk/disk_checks.hpp"

namespace hvr {

Result<std::unique_ptr<VhdxReader>> VhdxReader::Open(const std::string& path, ChainContext& chain) {
  HVR_ASSIGN_OR_RETURN(auto image, vhdx::LoadImage(path, vhdx::OpenMode::kReadOnly, chain));
  return std::unique_ptr<VhdxReader>(new VhdxReader(std::move(image)));
}

Status VhdxReader::Read(uint64_t offset, std::span<uint8_t> out) const {
  HVR_RETURN_IF_ERROR(CheckRange(image_->info, offset, out.size()));
  return ReadThroughMap(image_->map, image_->file, image_->parent.get(), offset, out);
}

Result<std::vector<ByteRange>> VhdxReader::AllocatedRanges() const {
  return AllocatedRangesThroughMap(image_->map, image_->parent.get());
}

}  // namespace hvr
