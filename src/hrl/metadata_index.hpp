// The first pass of MS-HRL 2.5: the locations of a log's metadata blocks, found by
// walking the back-pointers from the end of the log, handed out first to last.
//
// The specification pushes every location on a stack, which grows with the log. This
// index keeps at most `capacity` of them: when full it drops every other one, so it
// holds every stride-th block (the stride doubling each time). The forward pass walks
// each stretch between two kept blocks back again, a stride at a time. Memory is
// capacity + stride locations; a log of up to `capacity` blocks (a 1 GiB log of 4 KiB
// writes has about 2,000) is walked once, as the specification does.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hvr/error.hpp"

namespace hvr::hrl {

class MetadataIndex {
 public:
  struct Step {
    uint64_t previous = 0;  // location of the block before, 0 when this is the first
    uint32_t entries = 0;   // ValidMetadataEntries of this block
  };
  // Reads and validates the block at a location. Each call must move strictly backward
  // (the caller checks), so every walk ends.
  using StepFn = std::function<Result<Step>(uint64_t location)>;

  // `path` names the log in messages.
  static Result<MetadataIndex> Build(const std::string& path, uint64_t last_location, StepFn step,
                                     size_t capacity);

  uint64_t block_count() const { return block_count_; }
  uint64_t total_entries() const { return total_entries_; }

  // The next block location, first to last; nullopt after the last.
  Result<std::optional<uint64_t>> Next();

 private:
  MetadataIndex(const std::string& path, StepFn step) : path_(path), step_(std::move(step)) {}

  std::string path_;
  StepFn step_;
  // marks_[k] is the location of the block k * stride_ blocks before the last one.
  std::vector<uint64_t> marks_;
  uint64_t stride_ = 1;
  uint64_t block_count_ = 0;
  uint64_t total_entries_ = 0;
  // The forward pass: the stretch being handed out (last element first out) and the
  // mark whose stretch comes next.
  std::vector<uint64_t> stretch_;
  size_t next_mark_ = 0;  // marks still to expand, counted from the front
};

}  // namespace hvr::hrl
