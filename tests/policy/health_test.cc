#include "hvr/health.hpp"

#include <gtest/gtest.h>

namespace hvr {
namespace {

using std::chrono::minutes;

TEST(HealthTest, NormalWithoutErrorsAndWithinRpo) {
  EXPECT_EQ(EvaluateHealth({std::nullopt, minutes(1), minutes(15)}), Health::kNormal);
}

TEST(HealthTest, WarningWhileRetryingOrOverRpo) {
  EXPECT_EQ(EvaluateHealth({Error(Code::kNetwork, "reset"), minutes(1), minutes(15)}),
            Health::kWarning);
  EXPECT_EQ(EvaluateHealth({Error(Code::kLogChainGap, "gap"), minutes(1), minutes(15)}),
            Health::kWarning);
  EXPECT_EQ(EvaluateHealth({std::nullopt, minutes(16), minutes(15)}), Health::kWarning);
}

TEST(HealthTest, CriticalOnNonRecoverableWhateverTheRpo) {
  EXPECT_EQ(EvaluateHealth({Error(Code::kBrokenChain, "parent"), minutes(0), minutes(15)}),
            Health::kCritical);
  EXPECT_EQ(EvaluateHealth({Error(Code::kAuthFailed, "403"), minutes(99), minutes(15)}),
            Health::kCritical);
}

TEST(HealthTest, Names) {
  EXPECT_STREQ(HealthName(Health::kNormal), "normal");
  EXPECT_STREQ(HealthName(Health::kWarning), "warning");
  EXPECT_STREQ(HealthName(Health::kCritical), "critical");
}

}  // namespace
}  // namespace hvr
