#include "hrl/hrl_test_util.hpp"

#include <gtest/gtest.h>

#include <random>

#include "util/file.hpp"

namespace hvr::test {

std::vector<uint8_t> Pattern(size_t length, uint32_t seed) {
  std::vector<uint8_t> data(length);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& b : data) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<uint8_t>(x);
  }
  return data;
}

std::vector<Write> RandomWrites(size_t count, uint64_t disk_size, size_t max_length, uint32_t seed,
                                bool aligned) {
  std::mt19937_64 rng(seed);
  std::vector<Write> writes;
  for (size_t i = 0; i < count; ++i) {
    size_t length = 1 + rng() % max_length;
    uint64_t offset = rng() % (disk_size - length + 1);
    if (aligned) {
      length = std::max<size_t>(512, length / 512 * 512);
      offset = offset / 512 * 512;
      if (offset + length > disk_size) offset = disk_size - length;
    }
    writes.push_back({offset, Pattern(length, static_cast<uint32_t>(seed * 1000 + i))});
  }
  return writes;
}

HrlHeader WriteLog(const std::string& path, const std::vector<Write>& writes, HrlWriterOptions options) {
  auto writer = HrlWriter::Create(path, options);
  EXPECT_TRUE(writer.ok()) << writer.error().ToString();
  for (const auto& w : writes) {
    const Status s = writer->Append(w.offset, w.data);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
  }
  const Status closed = writer->Close();
  EXPECT_TRUE(closed.ok()) << closed.error().ToString();
  return writer->header();
}

std::vector<Write> ReadAllWrites(const std::string& path, uint64_t disk_size, size_t chunk) {
  std::vector<Write> writes;
  auto reader = HrlReader::Open(path, disk_size);
  EXPECT_TRUE(reader.ok()) << reader.error().ToString();
  if (!reader.ok()) return writes;
  HrlEntry entry;
  std::vector<uint8_t> buffer(chunk);
  for (;;) {
    auto more = reader->Next(entry);
    EXPECT_TRUE(more.ok()) << more.error().ToString();
    if (!more.ok() || !*more) break;
    Write w{entry.disk_offset, {}};
    for (;;) {
      auto n = reader->ReadData(buffer);
      EXPECT_TRUE(n.ok()) << n.error().ToString();
      if (!n.ok() || *n == 0) break;
      w.data.insert(w.data.end(), buffer.begin(), buffer.begin() + static_cast<long>(*n));
    }
    EXPECT_EQ(w.data.size(), entry.length);
    writes.push_back(std::move(w));
  }
  return writes;
}

void ApplyWrites(std::vector<uint8_t>& disk, const std::vector<Write>& writes) {
  for (const auto& w : writes) std::copy(w.data.begin(), w.data.end(), disk.begin() + static_cast<long>(w.offset));
}

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  auto content = ReadWholeFile(path);
  EXPECT_TRUE(content.ok());
  return std::vector<uint8_t>(content->begin(), content->end());
}

void PatchFile(const std::string& path, uint64_t offset, const std::vector<uint8_t>& bytes) {
  auto file = File::Open(path, File::Mode::kReadWrite);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->WriteAt(offset, bytes).ok());
}

}  // namespace hvr::test
