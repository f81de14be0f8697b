// The retry policy is asked once per VM per scheduler tick; with thousands of VMs in one
// process it must stay negligible. Measures one decision.
#include <benchmark/benchmark.h>

#include "hvr/retry.hpp"

namespace {

void BM_RetryDecision(benchmark::State& state) {
  const hvr::RetryPolicy policy;
  const hvr::TimePoint t0{std::chrono::hours(1000)};
  hvr::FailureHistory history{t0, t0 + std::chrono::minutes(40), 0,
                              hvr::Error(hvr::Code::kNetwork, "reset")};
  int retries = 0;
  for (auto _ : state) {
    history.retries = retries++ & 63;
    benchmark::DoNotOptimize(policy.Next(history, std::chrono::seconds(30)));
  }
}
BENCHMARK(BM_RetryDecision);

}  // namespace
