// The cost model for joining writes across zeros (hvr/link.hpp).
#include "hvr/link.hpp"

#include <gtest/gtest.h>

namespace hvr {
namespace {

TEST(LinkModelTest, JoinsWhereSendingTheGapCostsLessThanARequest) {
  // 100 Mbit/s and 500 requests a second: a request costs 2 ms, which carries 25,000
  // bytes.
  EXPECT_EQ((LinkModel{12'500'000, 500}.JoinGap()), 25'000u);
  // At 1 Gbit/s the link is faster than a blob takes bytes (60 MiB/s): that bounds it.
  EXPECT_EQ((LinkModel{125'000'000, 500}.JoinGap()), (60u << 20) / 500);
  // Fewer requests a second make each dearer: join further.
  EXPECT_EQ((LinkModel{12'500'000, 100}.JoinGap()), 125'000u);
}

TEST(LinkModelTest, ABandwidthLimitInForceNarrowsTheLink) {
  const LinkModel link{125'000'000, 500};
  EXPECT_EQ(link.JoinGap(2 << 20), (2u << 20) / 500);
  EXPECT_EQ(link.JoinGap(0), link.JoinGap());  // 0: no limit
  EXPECT_EQ(link.JoinGap(1'000'000'000), link.JoinGap());
}

TEST(LinkModelTest, TheDefaultIsAHundredMegabitLinkToAzure) {
  const LinkModel link;
  EXPECT_EQ(link.bytes_per_second, 12'500'000u);
  EXPECT_EQ(link.requests_per_second, 500u);
  EXPECT_TRUE(link.Validate().ok());
}

TEST(LinkModelTest, RefusesALinkOutsideItsRangesNamingThem) {
  const auto message = [](LinkModel link) { return link.Validate().error().message(); };
  EXPECT_EQ(message({124'999, 500}),
            "link bandwidth must be 125000 to 12500000000 bytes a second (1 Mbit/s to 100 Gbit/s), not 124999");
  EXPECT_EQ(LinkModel({12'500'000'001, 500}).Validate().error().code(), Code::kInvalidArgument);
  EXPECT_EQ(message({12'500'000, 0}), "link requests a second per disk must be 1 to 100000, not 0");
  EXPECT_FALSE(LinkModel({12'500'000, 100'001}).Validate().ok());
  EXPECT_TRUE(LinkModel({125'000, 1}).Validate().ok());
  EXPECT_TRUE(LinkModel({12'500'000'000, 100'000}).Validate().ok());
}

}  // namespace
}  // namespace hvr
