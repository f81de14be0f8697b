#include "disk/image_file.hpp"

#include <algorithm>
#include <cstring>

namespace hvr {

Result<ImageFile> ImageFile::Open(const std::string& path, File::Mode mode) {
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, mode));
  HVR_ASSIGN_OR_RETURN(const uint64_t size, file.Size());
  return ImageFile(std::move(file), size);
}

Status ImageFile::ReadAt(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > logical_size_ || out.size() > logical_size_ - offset) {
    return Error(Code::kCorruptData, path() + ": unexpected end of file reading " +
                                         std::to_string(out.size()) + " bytes at offset " +
                                         std::to_string(offset) + " (file size " +
                                         std::to_string(logical_size_) + ")");
  }
  if (offset + out.size() <= physical_size_) {
    HVR_RETURN_IF_ERROR(file_.ReadAt(offset, out));
  } else {
    // Partly or wholly past the end of the file, within the logical size: zeros there.
    size_t from_file = offset < physical_size_ ? static_cast<size_t>(physical_size_ - offset) : 0;
    HVR_ASSIGN_OR_RETURN(const size_t got, file_.ReadSomeAt(offset, out.first(from_file)));
    std::memset(out.data() + got, 0, out.size() - got);
  }
  if (overlay_.empty()) return Ok();
  const uint64_t end = offset + out.size();
  auto it = overlay_.upper_bound(offset);
  if (it != overlay_.begin()) --it;
  for (; it != overlay_.end() && it->first < end; ++it) {
    const uint64_t p_start = it->first;
    const uint64_t p_end = p_start + it->second.length;
    const uint64_t from = std::max(p_start, offset);
    const uint64_t to = std::min(p_end, end);
    if (from >= to) continue;
    uint8_t* dst = out.data() + (from - offset);
    if (it->second.data.empty()) {
      std::memset(dst, 0, static_cast<size_t>(to - from));
    } else {
      std::memcpy(dst, it->second.data.data() + (from - p_start), static_cast<size_t>(to - from));
    }
  }
  return Ok();
}

Status ImageFile::WriteAt(uint64_t offset, std::span<const uint8_t> data) {
  HVR_RETURN_IF_ERROR(file_.WriteAt(offset, data));
  physical_size_ = std::max(physical_size_, offset + data.size());
  logical_size_ = std::max(logical_size_, physical_size_);
  return Ok();
}

Status ImageFile::Resize(uint64_t size) {
  HVR_RETURN_IF_ERROR(file_.Truncate(size));
  physical_size_ = size;
  logical_size_ = size;
  return Ok();
}

void ImageFile::Patch(uint64_t offset, uint64_t length, std::vector<uint8_t> data) {
  if (length == 0) return;
  const uint64_t end = offset + length;
  // Cut existing patches that overlap [offset, end), keeping their outside parts.
  auto it = overlay_.upper_bound(offset);
  if (it != overlay_.begin()) --it;
  std::vector<std::pair<uint64_t, PatchData>> keep;
  while (it != overlay_.end() && it->first < end) {
    const uint64_t p_start = it->first;
    const uint64_t p_end = p_start + it->second.length;
    if (p_end <= offset) {
      ++it;
      continue;
    }
    const PatchData& old = it->second;
    const auto slice = [&](uint64_t from, uint64_t to) {
      PatchData part{to - from, {}};
      if (!old.data.empty()) {
        part.data.assign(old.data.begin() + static_cast<ptrdiff_t>(from - p_start),
                         old.data.begin() + static_cast<ptrdiff_t>(to - p_start));
      }
      return part;
    };
    if (p_start < offset) keep.emplace_back(p_start, slice(p_start, offset));
    if (p_end > end) keep.emplace_back(end, slice(end, p_end));
    it = overlay_.erase(it);
  }
  for (auto& [o, p] : keep) overlay_.emplace(o, std::move(p));
  overlay_.emplace(offset, PatchData{length, std::move(data)});
  logical_size_ = std::max(logical_size_, end);
}

void ImageFile::GrowLogicalSize(uint64_t size) { logical_size_ = std::max(logical_size_, size); }

}  // namespace hvr
