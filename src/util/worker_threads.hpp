// How many worker threads a caller may ask of hashing, diffing and converting: 0 means the
// library chooses (one per core), and more than kMaxWorkerThreads is a mistake, not a
// wish, since each thread holds its own read buffers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hvr/error.hpp"

namespace hvr {

inline constexpr int64_t kMaxWorkerThreads = 256;

inline Status ValidateWorkerThreads(int64_t threads, std::string_view what) {
  if (threads >= 0 && threads <= kMaxWorkerThreads) return Ok();
  return Error(Code::kInvalidArgument, std::string(what) + ": threads must be 0 (one per core) to " +
                                           std::to_string(kMaxWorkerThreads) + ", not " + std::to_string(threads));
}

}  // namespace hvr
