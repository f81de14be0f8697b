#include "hvr/cancel.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "hvr/progress.hpp"

namespace hvr {
namespace {

TEST(CancelTokenTest, NullTokenNeverCancels) { EXPECT_TRUE(CancelToken::Check(nullptr, "x").ok()); }

TEST(CancelTokenTest, CancelFromAnotherThreadIsSeen) {
  CancelToken token;
  EXPECT_TRUE(CancelToken::Check(&token, "hashing").ok());
  std::thread([&] { token.Cancel(); }).join();
  const Status status = CancelToken::Check(&token, "hashing");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), Code::kCancelled);
  EXPECT_EQ(status.error().message(), "hashing: cancelled");
  EXPECT_EQ(status.error().error_class(), ErrorClass::kRecoverable);
}

TEST(LogLevelTest, NamesAreStable) {
  EXPECT_STREQ(LogLevelName(LogLevel::kDebug), "debug");
  EXPECT_STREQ(LogLevelName(LogLevel::kInfo), "info");
  EXPECT_STREQ(LogLevelName(LogLevel::kWarning), "warning");
  EXPECT_STREQ(LogLevelName(LogLevel::kError), "error");
}

}  // namespace
}  // namespace hvr
