// Where an HrlWriter puts a log's bytes: the log file it creates. This is the one seam
// between the writer and the file system, so that tests can put in its place a file that
// fails as a full disk does, the same way on every platform (tests/hrl/filling_disk.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "hvr/error.hpp"

namespace hvr {

class HrlOutput {
 public:
  virtual ~HrlOutput() = default;
  virtual Status WriteAt(uint64_t offset, std::span<const uint8_t> data) = 0;
  // Makes what was written durable.
  virtual Status Sync() = 0;
};

class HrlOutputFactory {
 public:
  virtual ~HrlOutputFactory() = default;
  // A new, empty log at `path`; kConflict if a file is there.
  virtual Result<std::unique_ptr<HrlOutput>> Create(const std::string& path) const = 0;
};

// Log files in the file system (File::Open, kCreateExclusive): what HrlWriterOptions and
// ChangeTrackerOptions use unless told otherwise.
const HrlOutputFactory& HrlFiles();

}  // namespace hvr
