// Every boundary that must not throw classifies exceptions through CatchAll, so an
// allocation failure is always kLowMemory and anything else kInternal, named alike.
#include "util/catch_all.hpp"

#include <gtest/gtest.h>

#include <new>
#include <stdexcept>

namespace hvr {
namespace {

TEST(CatchAllTest, PassesResultsThrough) {
  const Result<int> result = CatchAll<int>("reading", [] { return Result<int>(7); });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 7);
  const Status failed = CatchAll<void>("reading", []() -> Status { return Error(Code::kNotFound, "gone"); });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), Code::kNotFound);
}

TEST(CatchAllTest, AllocationFailureIsLowMemory) {
  const Status status = CatchAll<void>("copying", []() -> Status { throw std::bad_alloc(); });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), Code::kLowMemory);
  EXPECT_EQ(status.error().message(), "copying: out of memory");
}

TEST(CatchAllTest, OtherExceptionsAreInternalWithTheirMessage) {
  const Status status = CatchAll<void>("copying", []() -> Status { throw std::logic_error("a bug"); });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), Code::kInternal);
  EXPECT_EQ(status.error().message(), "copying: a bug");
  const Status unknown = CatchAll<void>("copying", []() -> Status { throw 42; });
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), Code::kInternal);
  EXPECT_EQ(unknown.error().message(), "copying: unknown exception");
}

TEST(CatchAllTest, AnEmptyNameAddsNoPrefix) {
  try {
    throw std::runtime_error("plain");
  } catch (...) {
    EXPECT_EQ(CurrentExceptionAsError("").message(), "plain");
  }
}

}  // namespace
}  // namespace hvr
