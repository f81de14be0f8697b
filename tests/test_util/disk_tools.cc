#include "test_util/disk_tools.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "hvr/disk_writer.hpp"
#include "util/path.hpp"
#include "util/zero.hpp"

namespace hvr::testing {

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(PathFromUtf8(path), std::ios::binary | std::ios::ate);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::vector<uint8_t> bytes(static_cast<size_t>(std::max<std::streamoff>(0, in.tellg())));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

void WriteFileBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(PathFromUtf8(path), std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

std::vector<uint8_t> ReadWholeDisk(const DiskReader& disk) {
  std::vector<uint8_t> bytes(static_cast<size_t>(disk.info().virtual_size));
  const Status s = disk.Read(0, bytes);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return bytes;
}

std::vector<uint8_t> ReadImage(const std::string& path) {
  auto disk = OpenDisk(path);
  EXPECT_TRUE(disk.ok()) << disk.error().ToString();
  return disk.ok() ? ReadWholeDisk(**disk) : std::vector<uint8_t>();
}

void WriteImage(const std::string& path, uint64_t offset, const std::vector<uint8_t>& data,
                std::vector<uint8_t>* model) {
  auto writer = OpenDiskForWrite(path);
  ASSERT_TRUE(writer.ok()) << writer.error().ToString();
  const Status written = (*writer)->Write(offset, data);
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  const Status closed = (*writer)->Close();
  ASSERT_TRUE(closed.ok()) << closed.error().ToString();
  if (model != nullptr) std::memcpy(model->data() + offset, data.data(), data.size());
}

std::vector<uint8_t> PatternBytes(size_t size, uint32_t seed) {
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i < size; i += 8) {
    // splitmix64: cheap, well mixed, and deterministic everywhere.
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    const uint64_t v = (z ^ (z >> 31)) | 0x0101010101010101ull;  // never a zero byte
    std::memcpy(out.data() + i, &v, std::min<size_t>(8, size - i));
  }
  return out;
}

std::string FirstDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size()) return "sizes differ: " + std::to_string(a.size()) + " and " + std::to_string(b.size());
  if (a == b) return "equal";
  const auto [x, y] = std::mismatch(a.begin(), a.end(), b.begin());
  return "first difference at byte " + std::to_string(x - a.begin()) + ": " + std::to_string(*x) + " vs " +
         std::to_string(*y);
}

bool RangesCoverNonZero(const std::vector<ByteRange>& ranges, const std::vector<uint8_t>& content) {
  const auto zero = [&](uint64_t from, uint64_t to) {
    to = std::min<uint64_t>(to, content.size());
    return from >= to || IsAllZero(std::span(content.data() + from, static_cast<size_t>(to - from)));
  };
  uint64_t pos = 0;
  for (const ByteRange& r : ranges) {
    if (!zero(pos, r.offset)) return false;
    pos = std::max(pos, r.end());
  }
  return zero(pos, content.size());
}

}  // namespace hvr::testing
