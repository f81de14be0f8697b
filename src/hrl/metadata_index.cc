#include "hrl/metadata_index.hpp"

#include <algorithm>
#include <string>

namespace hvr::hrl {

Result<MetadataIndex> MetadataIndex::Build(const std::string& path, uint64_t last_location,
                                           StepFn step, size_t capacity) {
  MetadataIndex index(path, std::move(step));
  capacity = std::max<size_t>(capacity, 2);
  uint64_t location = last_location;
  for (uint64_t back = 0;; ++back) {  // `back` blocks before the last one
    if (back % index.stride_ == 0) {
      index.marks_.push_back(location);
      if (index.marks_.size() > capacity) {
        // Keep marks 0, 2, 4...: they are the multiples of the doubled stride.
        size_t kept = 0;
        for (size_t k = 0; k < index.marks_.size(); k += 2) index.marks_[kept++] = index.marks_[k];
        index.marks_.resize(kept);
        index.stride_ *= 2;
      }
    }
    HVR_ASSIGN_OR_RETURN(const Step s, index.step_(location));
    index.total_entries_ += s.entries;
    if (s.previous == 0) {
      index.block_count_ = back + 1;
      break;
    }
    location = s.previous;
  }
  index.next_mark_ = index.marks_.size();
  return index;
}

Result<std::optional<uint64_t>> MetadataIndex::Next() {
  if (stretch_.empty()) {
    if (next_mark_ == 0) return std::optional<uint64_t>();
    // Mark k covers the blocks k*stride ... (k+1)*stride - 1 before the last one; the
    // oldest mark's stretch ends at the first block.
    const size_t k = --next_mark_;
    const uint64_t start = k * stride_;
    const uint64_t end = std::min<uint64_t>(start + stride_, block_count_);
    stretch_.push_back(marks_[k]);
    for (uint64_t back = start + 1; back < end; ++back) {
      HVR_ASSIGN_OR_RETURN(const Step s, step_(stretch_.back()));
      if (s.previous == 0) {
        return Error(Code::kCorruptData,
                     path_ + ": metadata block at offset " + std::to_string(stretch_.back()) +
                         " is the first block on the second pass but was not on the first: the "
                         "log changed while it was read");
      }
      stretch_.push_back(s.previous);
    }
  }
  const uint64_t location = stretch_.back();
  stretch_.pop_back();
  return std::optional<uint64_t>(location);
}

}  // namespace hvr::hrl
