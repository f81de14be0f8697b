#include "hrl/checksum.hpp"

#include <gtest/gtest.h>

#include "hrl/hrl_test_util.hpp"

namespace hvr::hrl {
namespace {

uint32_t NaiveSum(std::span<const uint8_t> bytes) {
  uint32_t sum = 0;
  for (uint8_t b : bytes) sum += b;
  return sum;
}

TEST(ChecksumTest, ByteSumMatchesTheSpecificationLoopAtEveryLengthAndAlignment) {
  const std::vector<uint8_t> data = test::Pattern(70000, 7);
  for (size_t start : {0, 1, 3, 63}) {
    for (size_t length : {0, 1, 15, 64, 4095, 16383, 16384, 16385, 40000, 69000}) {
      const auto piece = std::span(data).subspan(start, length);
      EXPECT_EQ(ByteSum(piece), NaiveSum(piece)) << start << "+" << length;
    }
  }
}

TEST(ChecksumTest, LanesDoNotOverflowOnAllOnes) {
  // 0xff in every byte is the worst case for the 16-bit lanes: 256 rows of 255.
  const std::vector<uint8_t> ones(3 * 16384 + 77, 0xff);
  EXPECT_EQ(ByteSum(ones), 255u * ones.size());
}

TEST(ChecksumTest, SumsWrapModulo32Bits) {
  // 16,843,010 bytes of 0xff sum to 2^32 + 254: only the low 32 bits count.
  const std::vector<uint8_t> ones(16843010, 0xff);
  EXPECT_EQ(ByteSum(ones), static_cast<uint32_t>(255ull * ones.size()));
  EXPECT_EQ(Checksum(ones), ~static_cast<uint32_t>(255ull * ones.size()));
}

TEST(ChecksumTest, ExcludedFieldIsLeftOut) {
  std::vector<uint8_t> bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(ChecksumExcludingField(bytes, 2), ~uint32_t{1 + 2 + 7 + 8 + 9});
  bytes[3] = 200;  // inside the field: no change
  EXPECT_EQ(ChecksumExcludingField(bytes, 2), ~uint32_t{1 + 2 + 7 + 8 + 9});
}

}  // namespace
}  // namespace hvr::hrl
