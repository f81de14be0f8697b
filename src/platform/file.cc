// The parts of File that are the same on every platform, built on the system calls in
// posix/file.cc or windows/file.cc.
#include "platform/file.hpp"

#include <algorithm>

namespace hvr {

Status File::ReadAt(uint64_t offset, std::span<uint8_t> out) const {
  HVR_ASSIGN_OR_RETURN(const size_t got, ReadSomeAt(offset, out));
  if (got != out.size()) {
    return Error(Code::kCorruptData, path_ + ": unexpected end of file reading " +
                                         std::to_string(out.size()) + " bytes at offset " +
                                         std::to_string(offset) + " (got " +
                                         std::to_string(got) + ")");
  }
  return Ok();
}

Status File::WriteZeros(uint64_t offset, uint64_t length) {
  std::vector<uint8_t> zeros(static_cast<size_t>(std::min<uint64_t>(length, 1 << 20)), 0);
  for (uint64_t done = 0; done < length;) {
    const uint64_t n = std::min<uint64_t>(zeros.size(), length - done);
    HVR_RETURN_IF_ERROR(WriteAt(offset + done, std::span(zeros.data(), static_cast<size_t>(n))));
    done += n;
  }
  return Ok();
}

Result<std::vector<std::pair<uint64_t, uint64_t>>> File::DataRanges() const {
  HVR_ASSIGN_OR_RETURN(const uint64_t size, Size());
  return DataRanges(0, size);
}

}  // namespace hvr
