// The worker pool behind hashing, diffing, resyncing and converting: a fixed number of
// threads take work items in order from a shared counter, so at most `threads` items are in flight and memory
// stays at one buffer set per worker, whatever the disk size.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

#include "hvr/cancel.hpp"
#include "hvr/error.hpp"
#include "hvr/progress.hpp"

namespace hvr {

// Threads to use for `items` work items when `requested` were asked for (0: one per
// core): never more than there are items, at least one.
unsigned WorkerCount(unsigned requested, uint64_t items);

// Runs work(item, worker) for every item in [0, items) on `workers` threads (the calling
// thread is one of them; worker ids are 0 .. workers-1). The first failure, or the
// cancellation of `cancel` (checked before each item, named `what`), stops the rest;
// among failures the one of the lowest item is returned. Exceptions from `work` (an
// allocation failing) become errors.
Status ParallelFor(uint64_t items, unsigned workers, const CancelToken* cancel, const char* what,
                   const std::function<Status(uint64_t item, unsigned worker)>& work);

// Progress reporting from many workers: sums the bytes done and calls the ProgressFn one
// call at a time, about a thousand times over the whole job and once at the end.
class ProgressMeter {
 public:
  ProgressMeter(const ProgressFn& fn, uint64_t total) : fn_(fn), total_(total) {}

  void Add(uint64_t bytes);

 private:
  const ProgressFn& fn_;
  const uint64_t total_;
  std::mutex mu_;
  uint64_t done_ = 0;
  uint64_t reported_ = 0;
};

}  // namespace hvr
