// A disk that fills up, for tests of what a failed write does to a log: the logs an
// HrlWriter or a ChangeTracker writes through it (HrlWriterOptions::output) are real files,
// but while a capacity is set, a write reaching past it fails as a full disk fails
// (ENOSPC: low_disk_space), on every platform.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "hrl/hrl_output.hpp"

namespace hvr::test {

class FillingDisk : public HrlOutputFactory {
 public:
  // From now on, no log may grow beyond `bytes`.
  void Fill(uint64_t bytes) { capacity_ = bytes; }
  // Room again for everything.
  void Free() { capacity_ = UINT64_MAX; }

  Result<std::unique_ptr<HrlOutput>> Create(const std::string& path) const override;

 private:
  std::atomic<uint64_t> capacity_{UINT64_MAX};
};

}  // namespace hvr::test
