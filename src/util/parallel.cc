#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "util/catch_all.hpp"

namespace hvr {

unsigned WorkerCount(unsigned requested, uint64_t items) {
  unsigned n = requested != 0 ? requested : std::thread::hardware_concurrency();
  if (n == 0) n = 1;
  return static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(n, items)));
}

Status ParallelFor(uint64_t items, unsigned workers, const CancelToken* cancel, const char* what,
                   const std::function<Status(uint64_t item, unsigned worker)>& work) {
  std::atomic<uint64_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  uint64_t failed_item = UINT64_MAX;
  Status failure;

  const auto record = [&](uint64_t item, Status status) {
    std::lock_guard lock(mu);
    if (item < failed_item) {
      failed_item = item;
      failure = std::move(status);
    }
    stop.store(true, std::memory_order_relaxed);
  };
  const auto loop = [&](unsigned worker) {
    for (;;) {
      if (stop.load(std::memory_order_relaxed)) return;
      const uint64_t item = next.fetch_add(1, std::memory_order_relaxed);
      if (item >= items) return;
      Status status = CancelToken::Check(cancel, what);
      if (status.ok()) status = CatchAll<void>(what, [&] { return work(item, worker); });
      if (!status.ok()) return record(item, std::move(status));
    }
  };

  std::vector<std::thread> threads;
  try {
    threads.reserve(workers > 0 ? workers - 1 : 0);
    for (unsigned w = 1; w < workers; ++w) threads.emplace_back(loop, w);
  } catch (const std::exception& e) {
    // Could not start every worker: stop the ones that run and report it.
    record(0, Error(Code::kLowMemory, std::string(what) + ": cannot start worker threads: " + e.what()));
  }
  loop(0);
  for (auto& t : threads) t.join();
  return failure;
}

void ProgressMeter::Add(uint64_t bytes) {
  if (!fn_) return;
  std::lock_guard lock(mu_);
  done_ += bytes;
  const uint64_t step = std::max<uint64_t>(total_ / 1000, 1);
  if (done_ >= total_ || done_ - reported_ >= step) {
    reported_ = done_;
    fn_(done_, total_);
  }
}

}  // namespace hvr
