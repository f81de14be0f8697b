
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "util/crc32c.hpp"

namespace hvr {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(Crc32cTest, MatchesTheCastagnoliCheckValues) {
  // The standard check value of CRC-32C (RFC 3720 appendix B.4 lists the same polynomial).
  EXPECT_EQ(Crc32c(Bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(Crc32c({}), 0u);
  const std::vector<uint8_t> zeros(32, 0);
  EXPECT_EQ(Crc32c(zeros), 0x8A9136AAu);  // RFC 3720 B.4: 32 bytes of zeros
  std::vector<uint8_t> ones(32, 0xFF);
  EXPECT_EQ(Crc32c(ones), 0x62A8AB43u);   // RFC 3720 B.4: 32 bytes of 0xFF
}

TEST(Crc32cTest, ZeroedFieldCountsAsZero) {
  std::vector<uint8_t> data(64);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 3 + 1);
  std::vector<uint8_t> zeroed = data;
  std::fill(zeroed.begin() + 4, zeroed.begin() + 8, 0);
  EXPECT_EQ(Crc32cWithZeroedField(data, 4), Crc32c(zeroed));
  EXPECT_NE(Crc32cWithZeroedField(data, 4), Crc32c(data));
}

}  // namespace
}  // namespace hvr
