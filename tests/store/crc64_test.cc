// CRC-64/NVME as Azure Storage computes x-ms-content-crc64: the catalogue's check value,
// a value the service itself returned, and agreement of the fast paths (carry-less
// folding from 128 bytes where the CPU has it, sliced tables otherwise and for the rest)
// with the definition bit by bit at every length and alignment.
#include "store/azure/crc64.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace hvr::azure {
namespace {

std::span<const uint8_t> Bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// The definition, one bit at a time.
uint64_t BitwiseCrc64(std::span<const uint8_t> data) {
  uint64_t crc = ~uint64_t{0};
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ 0x9A6C9329AC4BC9B5 : crc >> 1;
  }
  return ~crc;
}

TEST(Crc64Test, MatchesTheCatalogueAndTheService) {
  EXPECT_EQ(Crc64(Bytes("123456789")), 0xAE8B14860A799888u);  // CRC-64/NVME's check value
  EXPECT_EQ(Crc64({}), 0u);
  // x-ms-content-crc64 of a Put Blob of "Hello World", as Azure Storage answered it.
  EXPECT_EQ(Crc64Header(Bytes("Hello World")), "YeJLfssylmU=");
}

TEST(Crc64Test, SlicedLoopAgreesWithTheDefinitionAtEveryLengthAndAlignment) {
  std::vector<uint8_t> data(1200);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 151 + 7);
  for (size_t start = 0; start < 8; ++start) {
    for (size_t length = 0; start + length <= data.size(); length += 13) {
      const std::span<const uint8_t> piece(data.data() + start, length);
      ASSERT_EQ(Crc64(piece), BitwiseCrc64(piece)) << "start " << start << " length " << length;
    }
  }
  std::vector<uint8_t> page((1 << 20) + 7);
  for (size_t i = 0; i < page.size(); ++i) page[i] = static_cast<uint8_t>((i * 2654435761u) >> 13);
  EXPECT_EQ(Crc64(page), BitwiseCrc64(page));
}

}  // namespace
}  // namespace hvr::azure
