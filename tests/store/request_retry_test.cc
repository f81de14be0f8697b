#include "store/azure/request_retry.hpp"

#include <gtest/gtest.h>

#include "store/time_text.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::azure {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

HttpResponse Answer(unsigned status, std::string error_code = {}) {
  HttpResponse response;
  response.status = status;
  if (!error_code.empty()) response.headers.set("x-ms-error-code", error_code);
  return response;
}

TEST(RequestRetryTest, TheStatusesTheServiceCallsTransientAreRetried) {
  for (unsigned status : {408u, 429u, 500u, 502u, 503u, 504u}) {
    EXPECT_TRUE(ClassifyTry(Answer(status), true).transient) << status;
  }
  for (unsigned status : {200u, 201u, 304u, 400u, 401u, 403u, 404u, 409u, 412u, 416u, 501u, 505u}) {
    EXPECT_FALSE(ClassifyTry(Answer(status), true).transient) << status;
  }
}

TEST(RequestRetryTest, BusyAnswersAskForLessLoad) {
  EXPECT_TRUE(ClassifyTry(Answer(503, "ServerBusy"), true).slow_down);
  EXPECT_TRUE(ClassifyTry(Answer(429), true).slow_down);
  EXPECT_TRUE(ClassifyTry(Answer(500, "OperationTimedOut"), true).slow_down);
  EXPECT_FALSE(ClassifyTry(Answer(500, "InternalError"), true).slow_down);
  EXPECT_FALSE(ClassifyTry(Answer(502), true).slow_down);
  EXPECT_FALSE(ClassifyTry(Answer(408), true).slow_down);
}

TEST(RequestRetryTest, OnlyAnswersThatMayFollowExecutionCountAsPossiblyCarriedOut) {
  // A busy service refused the request before doing anything.
  EXPECT_FALSE(ClassifyTry(Answer(503), true).may_have_executed);
  EXPECT_FALSE(ClassifyTry(Answer(429), true).may_have_executed);
  EXPECT_FALSE(ClassifyTry(Answer(408), true).may_have_executed);
  // A server error or a gateway's may come after the work was done.
  EXPECT_TRUE(ClassifyTry(Answer(500, "OperationTimedOut"), true).may_have_executed);
  EXPECT_TRUE(ClassifyTry(Answer(502), true).may_have_executed);
  EXPECT_TRUE(ClassifyTry(Answer(504), true).may_have_executed);
}

TEST(RequestRetryTest, TransportFailuresAreTransientAndAmbiguousOnceTheRequestLeft) {
  const Result<HttpResponse> reset = Error(Code::kNetwork, "receive: connection reset");
  EXPECT_TRUE(ClassifyTry(reset, true).transient);
  EXPECT_TRUE(ClassifyTry(reset, true).may_have_executed);
  EXPECT_FALSE(ClassifyTry(reset, false).may_have_executed);  // the connection never came up
  EXPECT_TRUE(ClassifyTry(Result<HttpResponse>(Error(Code::kTimeout, "timed out")), true).transient);
  // A certificate nobody trusts or a proxy refusing credentials needs a person.
  EXPECT_FALSE(ClassifyTry(Result<HttpResponse>(Error(Code::kAuthFailed, "self-signed")), false).transient);
}

TEST(RequestRetryTest, RetryAfterIsReadInEveryFormTheServiceUses) {
  const TimePoint now = *FromUnixSeconds(1'700'000'000);
  http::fields h;
  h.set("Retry-After", "7");
  EXPECT_EQ(RetryAfter(h, now), milliseconds(7000));
  h.set("Retry-After", FormatHttpDate(now + seconds(3)));
  EXPECT_EQ(RetryAfter(h, now), milliseconds(3000));
  h.set("Retry-After", FormatHttpDate(now - seconds(3)));  // already past: at once
  EXPECT_EQ(RetryAfter(h, now), milliseconds(0));
  h.set("retry-after-ms", "250");
  EXPECT_EQ(RetryAfter(h, now), milliseconds(250));
  h.set("x-ms-retry-after-ms", "40");
  EXPECT_EQ(RetryAfter(h, now), milliseconds(40));

  http::fields bad;
  bad.set("Retry-After", "soon");
  EXPECT_FALSE(RetryAfter(bad, now).has_value());
  bad.set("Retry-After", "-5");
  EXPECT_FALSE(RetryAfter(bad, now).has_value());
  bad.set("Retry-After", "99999999999999999999");
  EXPECT_FALSE(RetryAfter(bad, now).has_value());  // not a number we can hold
  bad.set("Retry-After", "999999999");
  EXPECT_EQ(RetryAfter(bad, now), std::chrono::duration_cast<milliseconds>(std::chrono::hours(24)));

  EXPECT_FALSE(RetryAfter(http::fields(), now).has_value());
  const auto busy = [&] {
    HttpResponse r = Answer(503, "ServerBusy");
    r.headers.set("Retry-After", "2");
    return r;
  }();
  EXPECT_EQ(ClassifyTry(busy, true).retry_after, milliseconds(2000));
}

TEST(RequestRetryTest, WaitsDoubleWithJitterUpToTheLongestDelay) {
  RequestRetryOptions o;
  o.max_attempts = 10;
  o.base_delay = milliseconds(1000);
  o.max_delay = milliseconds(5000);
  o.max_elapsed = std::chrono::minutes(10);
  const RetryBackoff backoff(o);
  // The jitter factor runs from 0.8 (random 0) to 1.2 (random 1).
  EXPECT_EQ(backoff.Next(1, {}, {}, 0.5), milliseconds(1000));
  EXPECT_EQ(backoff.Next(2, {}, {}, 0.5), milliseconds(2000));
  EXPECT_EQ(backoff.Next(3, {}, {}, 0.5), milliseconds(4000));
  EXPECT_EQ(backoff.Next(4, {}, {}, 0.5), milliseconds(5000));
  EXPECT_EQ(backoff.Next(9, {}, {}, 0.5), milliseconds(5000));
  EXPECT_EQ(backoff.Next(1, {}, {}, 0.0), milliseconds(800));
  EXPECT_EQ(backoff.Next(2, {}, {}, 0.999), milliseconds(2399));
}

TEST(RequestRetryTest, TriesAndTimeAreBounded) {
  RequestRetryOptions o;
  o.max_attempts = 3;
  o.base_delay = milliseconds(1000);
  o.max_delay = milliseconds(30'000);
  o.max_elapsed = milliseconds(10'000);
  const RetryBackoff backoff(o);
  EXPECT_TRUE(backoff.Next(2, {}, {}, 0.5).has_value());
  EXPECT_FALSE(backoff.Next(3, {}, {}, 0.5).has_value());  // three tries made
  EXPECT_FALSE(backoff.Next(1, milliseconds(9'500), {}, 0.5).has_value());  // would start past 10 s
  // The service's wait replaces the computed one, also beyond max_delay, while it fits.
  EXPECT_EQ(backoff.Next(1, {}, milliseconds(7000), 0.5), milliseconds(7000));
  EXPECT_FALSE(backoff.Next(1, milliseconds(4000), milliseconds(7000), 0.5).has_value());
  o.max_attempts = 1;  // retries off
  EXPECT_FALSE(RetryBackoff(o).Next(1, {}, {}, 0.5).has_value());
}

TEST(RequestRetryTest, OptionsAreValidated) {
  EXPECT_OK(ValidateRequestRetryOptions(RequestRetryOptions{}));
  RequestRetryOptions o;
  o.max_attempts = 0;
  EXPECT_FALSE(ValidateRequestRetryOptions(o).ok());
  o = {};
  o.base_delay = milliseconds(0);
  EXPECT_FALSE(ValidateRequestRetryOptions(o).ok());
  o = {};
  o.max_delay = o.base_delay - milliseconds(1);
  EXPECT_FALSE(ValidateRequestRetryOptions(o).ok());
  o = {};
  o.max_elapsed = milliseconds(-1);
  EXPECT_FALSE(ValidateRequestRetryOptions(o).ok());
}

TEST(RequestRetryTest, UnitRandomStaysInItsInterval) {
  for (int i = 0; i < 1000; ++i) {
    const double r = UnitRandom();
    ASSERT_GE(r, 0.0);
    ASSERT_LT(r, 1.0);
  }
}

}  // namespace
}  // namespace hvr::azure
