#include "hvr/retry.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace hvr {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const TimePoint kT0 = TimePoint(std::chrono::hours(24 * 365 * 50));

// Drives a tracker whose every attempt fails with `code`, advancing a manual clock one
// second at a time, and returns the minutes (from t0) at which each retry started.
std::vector<double> RetryMinutes(Duration interval, int retries, Code code = Code::kNetwork) {
  ManualClock clock(kT0);
  RetryTracker tracker(RetryPolicy(), clock, interval);
  tracker.RecordFailure(Error(code, "attempt 0"), clock.Now());
  std::vector<double> out;
  while (static_cast<int>(out.size()) < retries) {
    if (tracker.Due()) {
      out.push_back(std::chrono::duration<double, std::ratio<60>>(clock.Now() - kT0).count());
      tracker.RecordFailure(Error(code, "retry"), clock.Now());
    }
    clock.Advance(seconds(1));
    if (clock.Now() - kT0 > std::chrono::hours(48)) break;  // never loop forever
  }
  return out;
}

TEST(RetryPolicyTest, ThirtySecondIntervalFollowsTheScheduleToTheMinute) {
  EXPECT_EQ(RetryMinutes(seconds(30), 9),
            (std::vector<double>{1, 2, 4, 8, 10, 40, 70, 100, 130}));
}

TEST(RetryPolicyTest, FiveMinuteIntervalRetriesOnTicksOnly) {
  // Offsets 1, 2, 4, 8, 10 fall before or on ticks already used: one retry per tick.
  EXPECT_EQ(RetryMinutes(minutes(5), 8), (std::vector<double>{5, 10, 15, 20, 25, 40, 70, 100}));
}

TEST(RetryPolicyTest, FifteenMinuteIntervalReachesTheThirtyMinuteSteadyState) {
  EXPECT_EQ(RetryMinutes(minutes(15), 10),
            (std::vector<double>{15, 30, 45, 60, 75, 90, 105, 120, 135, 165}));
}

TEST(RetryPolicyTest, SteadyStateIsEveryThirtyMinutesForever) {
  const auto times = RetryMinutes(seconds(30), 40);
  ASSERT_EQ(times.size(), 40u);
  for (size_t i = 5; i < times.size(); ++i) EXPECT_EQ(times[i] - times[i - 1], 30) << i;
}

TEST(RetryPolicyTest, OffsetsAreTheSchedule) {
  const RetryPolicy policy;
  const std::vector<int> expected = {1, 2, 4, 8, 10, 40, 70, 100};
  for (size_t n = 0; n < expected.size(); ++n) {
    EXPECT_EQ(policy.Offset(static_cast<int>(n)), minutes(expected[n])) << n;
  }
}

TEST(RetryPolicyTest, NonRecoverableErrorsNeverRetry) {
  const RetryPolicy policy;
  for (Code code : {Code::kBrokenChain, Code::kAuthFailed, Code::kInvalidReplicaState,
                    Code::kNotFound}) {
    const FailureHistory history{kT0, kT0, 0, Error(code, "x")};
    EXPECT_EQ(policy.Next(history, seconds(30)).action, RetryAction::kGiveUp) << CodeName(code);
  }
  EXPECT_TRUE(RetryMinutes(seconds(30), 1, Code::kAuthFailed).empty());
}

TEST(RetryPolicyTest, TrackingErrorsAskForResync) {
  const RetryPolicy policy;
  for (Code code : {Code::kLogNotClosed, Code::kLogChainGap, Code::kUntrackedModification}) {
    const FailureHistory history{kT0, kT0, 0, Error(code, "x")};
    EXPECT_EQ(policy.Next(history, seconds(30)).action, RetryAction::kResync) << CodeName(code);
  }
}

TEST(RetryPolicyTest, SuccessResetsTheSchedule) {
  ManualClock clock(kT0);
  RetryTracker tracker(RetryPolicy(), clock, seconds(30));
  tracker.RecordFailure(Error(Code::kThrottled, "503"), clock.Now());
  clock.Advance(minutes(1));
  ASSERT_TRUE(tracker.Due());
  tracker.RecordFailure(Error(Code::kThrottled, "503"), clock.Now());
  EXPECT_EQ(tracker.Next().at, kT0 + minutes(2));

  clock.Advance(minutes(1));
  tracker.RecordSuccess();
  EXPECT_FALSE(tracker.failing());
  EXPECT_TRUE(tracker.Due());

  // A new failure starts a new run: the next retry is one minute after it, not four.
  const TimePoint t1 = clock.Now() + seconds(30);
  clock.Set(t1);
  tracker.RecordFailure(Error(Code::kNetwork, "reset"), t1);
  EXPECT_EQ(tracker.history()->retries, 0);
  EXPECT_EQ(tracker.Next().at, t1 + minutes(1));
  EXPECT_FALSE(tracker.Due());
}

TEST(RetryPolicyTest, AttemptsStartedBeforeTheRetryWasDueNeitherCountNorMoveTheSchedule) {
  const RetryPolicy policy;
  std::optional<FailureHistory> history;
  policy.RecordFailure(history, Error(Code::kNetwork, "first"), kT0, seconds(30));
  // Twelve runs by hand within a second of the first failure...
  for (int i = 0; i < 12; ++i) {
    policy.RecordFailure(history, Error(Code::kNetwork, "by hand " + std::to_string(i)), kT0 + std::chrono::milliseconds(80 * i),
                         seconds(30));
  }
  // ...leave the schedule where it was, and only the latest error is new.
  EXPECT_EQ(history->retries, 0);
  EXPECT_EQ(history->last_attempt, kT0);
  EXPECT_EQ(history->last_error.message(), "by hand 11");
  EXPECT_EQ(policy.Next(*history, seconds(30)).at, kT0 + minutes(1));
  // The scheduled retry counts.
  policy.RecordFailure(history, Error(Code::kNetwork, "scheduled"), kT0 + minutes(1), seconds(30));
  EXPECT_EQ(history->retries, 1);
  EXPECT_EQ(policy.Next(*history, seconds(30)).at, kT0 + minutes(2));
  // So does a late one: it is the retry, however it was started.
  policy.RecordFailure(history, Error(Code::kNetwork, "late"), kT0 + minutes(3), seconds(30));
  EXPECT_EQ(history->retries, 2);
  EXPECT_EQ(policy.Next(*history, seconds(30)).at, kT0 + minutes(4));
}

TEST(RetryPolicyTest, CustomSchedulesAreValidated) {
  EXPECT_FALSE(RetryPolicy::Create({{}, minutes(30)}).ok());
  EXPECT_FALSE(RetryPolicy::Create({{minutes(2), minutes(1)}, minutes(30)}).ok());
  EXPECT_FALSE(RetryPolicy::Create({{minutes(0)}, minutes(30)}).ok());
  EXPECT_FALSE(RetryPolicy::Create({{minutes(1)}, seconds(0)}).ok());

  auto policy = RetryPolicy::Create({{seconds(10), seconds(20)}, minutes(5)});
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->Offset(0), seconds(10));
  EXPECT_EQ(policy->Offset(1), seconds(20));
  EXPECT_EQ(policy->Offset(2), seconds(20) + minutes(5));
  const FailureHistory history{kT0, kT0, 0, Error(Code::kTimeout, "x")};
  EXPECT_EQ(policy->Next(history, seconds(1)).at, kT0 + seconds(10));
}

}  // namespace
}  // namespace hvr
