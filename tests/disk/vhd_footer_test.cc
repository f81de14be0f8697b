#include "disk/vhd_footer.hpp"

#include <gtest/gtest.h>

namespace hvr::vhd {
namespace {

const TimePoint kCreated = TimePoint(std::chrono::seconds(946684800 + 1000));

Guid TestGuid() {
  Guid g;
  for (size_t i = 0; i < 16; ++i) g.bytes[i] = static_cast<uint8_t>(i + 1);
  return g;
}

TEST(VhdFooterTest, GeometryFollowsTheSpecificationAlgorithm) {
  // 1 GiB: the 17- and 31-sector steps overflow, giving the familiar 2080/16/63.
  EXPECT_EQ(GeometryFor(1ull << 30), (Geometry{2080, 16, 63}));
  // 20 MiB fits with 17 sectors per track and 4 heads minimum.
  EXPECT_EQ(GeometryFor(20ull << 20), (Geometry{602, 4, 17}));
  // Beyond what CHS can express: the maximum geometry.
  EXPECT_EQ(GeometryFor(1ull << 40), (Geometry{65535, 16, 255}));
}

TEST(VhdFooterTest, FixedFooterRoundTrips) {
  auto footer = MakeFixedFooter(64ull << 20, TestGuid(), kCreated);
  ASSERT_TRUE(footer.ok()) << footer.error().ToString();
  const auto bytes = Encode(*footer);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes.data()), 8), "conectix");
  auto decoded = Decode(bytes, "test");
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(decoded->current_size, 64ull << 20);
  EXPECT_EQ(decoded->original_size, 64ull << 20);
  EXPECT_EQ(decoded->data_offset, kNoDataOffset);
  EXPECT_EQ(decoded->disk_type, DiskType::kFixed);
  EXPECT_EQ(decoded->unique_id, TestGuid());
  EXPECT_EQ(decoded->timestamp, 1000u);
  EXPECT_EQ(decoded->geometry, GeometryFor(64ull << 20));
}

TEST(VhdFooterTest, AzureSizesMustBeWholeMebibytes) {
  const auto footer = MakeFixedFooter((64ull << 20) + 512, TestGuid(), kCreated);
  ASSERT_FALSE(footer.ok());
  EXPECT_EQ(footer.error().code(), Code::kInvalidArgument);
  EXPECT_NE(footer.error().message().find("whole number of MiB"), std::string::npos);
  EXPECT_FALSE(MakeFixedFooter(0, TestGuid(), kCreated).ok());
}

TEST(VhdFooterTest, DamageIsNamedByField) {
  const auto good = Encode(*MakeFixedFooter(1ull << 20, TestGuid(), kCreated));

  auto bad_cookie = good;
  bad_cookie[0] = 'X';
  auto result = Decode(bad_cookie, "d.vhd: footer at offset 1048576");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), Code::kCorruptData);
  EXPECT_NE(result.error().message().find("d.vhd: footer at offset 1048576: Cookie"),
            std::string::npos);

  auto bad_sum = good;
  bad_sum[100] ^= 1;  // a reserved byte: only the checksum notices
  result = Decode(bad_sum, "d.vhd");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("Checksum expected"), std::string::npos);
}

TEST(VhdFooterTest, TimestampSaturates) {
  EXPECT_EQ(VhdTimestamp(TimePoint{}), 0u);  // 1970 is before the VHD epoch
  EXPECT_EQ(VhdTimestamp(kCreated), 1000u);
}

}  // namespace
}  // namespace hvr::vhd
