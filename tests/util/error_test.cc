#include "hvr/error.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace hvr {
namespace {

TEST(ErrorTest, EveryCodeHasANameAndAClass) {
  for (int i = 1; i < kCodeCount; ++i) {
    const Code code = static_cast<Code>(i);
    EXPECT_NE(CodeName(code), "unknown") << i;
    EXPECT_NE(ClassOf(code), ErrorClass::kNone) << CodeName(code);
  }
  EXPECT_EQ(ClassOf(Code::kOk), ErrorClass::kNone);
}

// docs/error-model.md names these examples; the table must agree with it.
TEST(ErrorTest, ClassesFollowTheRequirements) {
  for (Code code : {Code::kBrokenChain, Code::kInvalidReplicaState, Code::kAuthFailed,
                    Code::kNotFound, Code::kCorruptData, Code::kInvalidArgument}) {
    EXPECT_EQ(ClassOf(code), ErrorClass::kNonRecoverable) << CodeName(code);
  }
  for (Code code : {Code::kNetwork, Code::kTimeout, Code::kThrottled, Code::kLowDiskSpace,
                    Code::kLowMemory}) {
    EXPECT_EQ(ClassOf(code), ErrorClass::kRecoverable) << CodeName(code);
  }
  for (Code code : {Code::kLogNotClosed, Code::kLogChainGap, Code::kUntrackedModification,
                    Code::kResyncRequired}) {
    EXPECT_EQ(ClassOf(code), ErrorClass::kResyncRequired) << CodeName(code);
  }
}

TEST(ErrorTest, UnknownCodesAreNonRecoverable) {
  EXPECT_EQ(ClassOf(static_cast<Code>(kCodeCount)), ErrorClass::kNonRecoverable);
  EXPECT_EQ(ClassOf(static_cast<Code>(-1)), ErrorClass::kNonRecoverable);
  EXPECT_EQ(CodeName(static_cast<Code>(999)), "unknown");
}

TEST(ErrorTest, ToStringAndContext) {
  const Error error(Code::kCorruptData, "header checksum 0x1 != 0x2");
  EXPECT_EQ(error.ToString(), "corrupt_data: header checksum 0x1 != 0x2");
  const Error with = error.WithContext("disk.hrl offset 0");
  EXPECT_EQ(with.code(), Code::kCorruptData);
  EXPECT_EQ(with.message(), "disk.hrl offset 0: header checksum 0x1 != 0x2");
  EXPECT_FALSE(with.recoverable());
}

Result<int> Half(int n) {
  if (n % 2 != 0) return Error(Code::kInvalidArgument, "odd: " + std::to_string(n));
  return n / 2;
}

Result<int> Quarter(int n) {
  HVR_ASSIGN_OR_RETURN(const int half, Half(n));
  HVR_ASSIGN_OR_RETURN(const int quarter, Half(half));
  return quarter;
}

Status CheckQuarter(int n) {
  HVR_RETURN_IF_ERROR(Quarter(n));
  return Ok();
}

TEST(ResultTest, ValuesAndErrorsPropagate) {
  const Result<int> good = Quarter(12);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);

  const Result<int> bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.error().message(), "odd: 3");

  EXPECT_TRUE(CheckQuarter(8).ok());
  EXPECT_EQ(CheckQuarter(10).error().message(), "odd: 5");
}

TEST(ResultTest, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> taken = std::move(r).value();
  EXPECT_EQ(*taken, 7);
}

}  // namespace
}  // namespace hvr
