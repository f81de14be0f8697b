#include "hvr/guid.hpp"

#include <gtest/gtest.h>

namespace hvr {
namespace {

TEST(GuidTest, TextRoundTripUsesMicrosoftByteOrder) {
  auto guid = Guid::Parse("{00112233-4455-6677-8899-aabbccddeeff}");
  ASSERT_TRUE(guid.ok());
  // Data1..3 are little-endian on disk.
  const std::array<uint8_t, 16> expected = {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
                                            0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  EXPECT_EQ(guid->bytes, expected);
  EXPECT_EQ(guid->ToString(), "00112233-4455-6677-8899-aabbccddeeff");
}

TEST(GuidTest, RejectsMalformedText) {
  EXPECT_FALSE(Guid::Parse("00112233-4455-6677-8899-aabbccddeef").ok());
  EXPECT_FALSE(Guid::Parse("00112233x4455-6677-8899-aabbccddeeff").ok());
  EXPECT_FALSE(Guid::Parse("0011223g-4455-6677-8899-aabbccddeeff").ok());
}

TEST(GuidTest, RandomIsVersionFourAndNotZero) {
  const Guid a = Guid::Random();
  const Guid b = Guid::Random();
  EXPECT_FALSE(a.IsZero());
  EXPECT_NE(a, b);
  EXPECT_EQ(a.ToString()[14], '4');
  EXPECT_TRUE(Guid().IsZero());
}

}  // namespace
}  // namespace hvr
