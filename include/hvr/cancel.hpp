// Cancellation of long operations (hashing a disk, an upload, a replication cycle).
// One token may be shared by many operations; cancelling is a one-way switch that any
// thread may flip, and work checks it at points where stopping leaves nothing half done.
#pragma once

#include <atomic>

#include "hvr/error.hpp"

namespace hvr {

class CancelToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

  // kCancelled naming `what` once cancelled, else Ok. A null token never cancels, so
  // callers can pass `const CancelToken*` through without checking.
  static Status Check(const CancelToken* token, const char* what);

 private:
  std::atomic<bool> cancelled_{false};
};

}  // namespace hvr
