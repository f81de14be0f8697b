#include "store/azure/request_retry.hpp"

#include <algorithm>
#include <charconv>
#include <random>

#include "store/time_text.hpp"

namespace hvr::azure {
namespace {

using std::chrono::milliseconds;

std::string_view Field(const http::fields& headers, std::string_view name) {
  auto it = headers.find(name);
  return it == headers.end() ? std::string_view() : std::string_view(it->value());
}

std::optional<int64_t> Digits(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// A day is far longer than any request's retry budget; larger values are nonsense.
constexpr milliseconds kLongestRetryAfter = std::chrono::hours(24);

}  // namespace

TryOutcome ClassifyTry(const Result<HttpResponse>& response, bool request_left) {
  TryOutcome out;
  if (!response.ok()) {
    // Transport failures: resets, truncated answers, timeouts, refused connections; and a
    // sign-in endpoint that is busy or out of reach before the request could leave. Other
    // errors (an untrusted certificate, a proxy refusing credentials, a refused principal)
    // need a person.
    const Code code = response.error().code();
    out.transient = code == Code::kNetwork || code == Code::kTimeout || code == Code::kThrottled;
    out.may_have_executed = out.transient && request_left;
    return out;
  }
  const unsigned status = response->status;
  switch (status) {
    case 408:  // the service gave up reading the request: nothing was done
    case 429:
    case 503:
      out.transient = true;
      out.slow_down = status != 408;
      break;
    case 500:
      // "Operation timeout" is how a partition past its targets answers; like every 500
      // it may or may not have been carried out.
      out.transient = true;
      out.may_have_executed = true;
      out.slow_down = Field(response->headers, "x-ms-error-code") == "OperationTimedOut";
      break;
    case 502:
    case 504:
      out.transient = true;
      out.may_have_executed = true;
      break;
    default:
      return out;
  }
  out.retry_after = RetryAfter(response->headers, std::chrono::system_clock::now());
  return out;
}

std::optional<milliseconds> RetryAfter(const http::fields& headers, TimePoint now) {
  for (std::string_view name : {"x-ms-retry-after-ms", "retry-after-ms"}) {
    if (auto ms = Digits(Field(headers, name))) return std::min(milliseconds(*ms), kLongestRetryAfter);
  }
  const std::string_view value = Field(headers, "Retry-After");
  if (value.empty()) return std::nullopt;
  if (auto seconds = Digits(value)) {
    return *seconds >= kLongestRetryAfter.count() / 1000 ? kLongestRetryAfter : milliseconds(*seconds * 1000);
  }
  if (auto at = ParseHttpDate(value)) {
    const auto wait = std::chrono::duration_cast<milliseconds>(*at - now);
    return std::clamp(wait, milliseconds(0), kLongestRetryAfter);
  }
  return std::nullopt;
}

std::optional<milliseconds> RetryBackoff::Next(int tries, milliseconds elapsed, std::optional<milliseconds> retry_after,
                                               double unit_random) const {
  if (tries >= options_.max_attempts) return std::nullopt;
  milliseconds wait;
  if (retry_after) {
    wait = *retry_after;
  } else {
    // base * 2^(tries-1), computed without overflow.
    milliseconds computed = options_.base_delay;
    for (int i = 1; i < tries && computed < options_.max_delay; ++i) computed *= 2;
    computed = std::min(computed, options_.max_delay);
    const double factor = 0.8 + 0.4 * std::clamp(unit_random, 0.0, 1.0);
    wait = milliseconds(static_cast<int64_t>(static_cast<double>(computed.count()) * factor));
  }
  if (elapsed + wait > options_.max_elapsed) return std::nullopt;
  return wait;
}

double UnitRandom() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace hvr::azure
