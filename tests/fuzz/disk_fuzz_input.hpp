// The input of the disk parser fuzzers. VHDX and VHD structures sit at megabyte offsets
// of files that are mostly zeros, so an input is not the image itself but a list of
// patches laid onto an all-zero sparse file (in memory, memfd):
//   repeat { u32 LE offset in 512-byte sectors, u16 LE length, `length` bytes }
// The file ends at the furthest patch end; a zero-length patch only sets that end.
// disk_fuzz_corpus encodes real images this way for the seeds.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hvr/disk.hpp"
#include "hvr/disk_writer.hpp"

namespace hvr::fuzz {

// Beyond this, patches are dropped: big enough for every structure of small images,
// small enough that a BAT the file holds cannot exhaust memory.
inline constexpr uint64_t kMaxImageSize = 64ull << 20;

// Builds the image in a memfd and returns its descriptor (-1 on failure).
inline int BuildImage(const uint8_t* data, size_t size) {
  const int fd = ::memfd_create("hvr-disk-fuzz", MFD_CLOEXEC);
  if (fd < 0) return -1;
  uint64_t end = 0;
  size_t pos = 0;
  while (pos + 6 <= size) {
    const uint64_t offset = (uint64_t{data[pos]} | uint64_t{data[pos + 1]} << 8 | uint64_t{data[pos + 2]} << 16 |
                             uint64_t{data[pos + 3]} << 24) * 512;
    const size_t length = data[pos + 4] | size_t{data[pos + 5]} << 8;
    pos += 6;
    const size_t available = std::min(length, size - pos);
    if (offset + available <= kMaxImageSize) {
      if (available > 0 && ::pwrite(fd, data + pos, available, static_cast<off_t>(offset)) < 0) break;
      end = std::max(end, offset + available);
    }
    pos += available;
  }
  if (::ftruncate(fd, static_cast<off_t>(end)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
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
  const int fd = BuildImage(data, size);
  if (fd < 0) return;
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  // Each fuzzer spends its time on its own format, and a file that claims it is parsed
  // as it whatever its signature: damage must be an error there too.
  Exercise(path, format);
  ::close(fd);
}

}  // namespace hvr::fuzz
