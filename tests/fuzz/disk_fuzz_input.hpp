// The input of the disk parser fuzzers. VHDX and VHD structures sit at megabyte offsets
// of files that are mostly zeros, so an input is not the image itself but a list of
// patches laid onto an all-zero sparse file (scratch_file.hpp):
//   repeat { u32 LE offset in 512-byte sectors, u16 LE length, `length` bytes }
// The file ends at the furthest patch end; a zero-length patch only sets that end.
// disk_fuzz_corpus encodes real images this way for the seeds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "hvr/disk.hpp"
#include "hvr/disk_writer.hpp"
#include "scratch_file.hpp"

namespace hvr::fuzz {

// Beyond this, patches are dropped: big enough for every structure of small images,
// small enough that a BAT the file holds cannot exhaust memory.
inline constexpr uint64_t kMaxImageSize = 64ull << 20;

// Lays the patches onto the emptied scratch file; false when it could not be written.
inline bool BuildImage(const ScratchFile& image, const uint8_t* data, size_t size) {
  auto file = image.Empty();
  if (!file.ok()) return false;
  uint64_t end = 0;
  size_t pos = 0;
  while (pos + 6 <= size) {
    const uint64_t offset = (uint64_t{data[pos]} | uint64_t{data[pos + 1]} << 8 | uint64_t{data[pos + 2]} << 16 |
                             uint64_t{data[pos + 3]} << 24) * 512;
    const size_t length = data[pos + 4] | size_t{data[pos + 5]} << 8;
    pos += 6;
    const size_t available = std::min(length, size - pos);
    if (offset + available <= kMaxImageSize) {
      if (available > 0 && !file->WriteAt(offset, std::span(data + pos, available)).ok()) return false;
      end = std::max(end, offset + available);
    }
    pos += available;
  }
  return file->Truncate(end).ok();
}

// Opens the image read-only as `format` and reads what it reports, then opens it for
// writing and writes a little: every path must either work or fail with an error, never
// crash.
inline void Exercise(const std::string& path, DiskFormat format) {
  if (auto disk = OpenDisk(path, {.format = format}); disk.ok()) {
    const DiskInfo& info = (*disk)->info();
    std::vector<uint8_t> buffer(64 * 1024);
    const auto read = [&](uint64_t offset, uint64_t length) {
      length = std::min<uint64_t>(length, buffer.size());
      if (offset < info.virtual_size) {
        (void)(*disk)->Read(offset, std::span(buffer.data(), std::min(length, info.virtual_size - offset)));
      }
    };
    read(0, 4096);
    read(info.virtual_size - std::min<uint64_t>(info.virtual_size, 4096), 4096);
    if (auto ranges = (*disk)->AllocatedRanges(); ranges.ok()) {
      uint64_t budget = 1 << 20;
      for (const ByteRange& r : *ranges) {
        for (uint64_t at = r.offset; at < r.end() && budget > 0; at += buffer.size()) {
          read(at, std::min<uint64_t>(r.end() - at, buffer.size()));
          budget -= std::min<uint64_t>(budget, buffer.size());
        }
      }
    }
  }
  WriteOptions write;
  write.open.format = format;
  if (auto writer = OpenDiskForWrite(path, write); writer.ok()) {
    const uint64_t size = (*writer)->info().virtual_size;
    const std::vector<uint8_t> data(4096 + 7, 0x5A);
    if (size >= data.size()) {
      (void)(*writer)->Write(size / 2 - std::min(size / 2, uint64_t{3}), std::span(data.data(), std::min<uint64_t>(data.size(), size - size / 2 + 3)));
      (void)(*writer)->WriteZeros(0, std::min<uint64_t>(size, 8192));
    }
    (void)(*writer)->AllocatedRanges();
    (void)(*writer)->Close();
  }
}

inline void Run(const uint8_t* data, size_t size, DiskFormat format) {
  static const ScratchFile image("disk");
  if (!BuildImage(image, data, size)) return;
  // Each fuzzer spends its time on its own format, and a file that claims it is parsed
  // as it whatever its signature: damage must be an error there too.
  Exercise(image.path(), format);
}

}  // namespace hvr::fuzz
