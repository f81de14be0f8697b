#include "diff/diff_runs.hpp"

#include <algorithm>

namespace hvr {

uint64_t DiffGeometry::LengthWithin(uint64_t index, uint64_t size) const {
  const uint64_t start = index * chunk_size;
  return start >= size ? 0 : std::min<uint64_t>(chunk_size, size - start);
}

bool TryExtend(DiffRun& into, const DiffRun& next) {
  if (into.kind != next.kind || into.range.end() != next.range.offset) return false;
  into.range.length += next.range.length;
  return true;
}

void AppendDifferingChunk(const DiffGeometry& geometry, uint64_t index, bool source_zero,
                          std::vector<DiffRun>& runs) {
  const uint64_t start = index * geometry.chunk_size;
  const uint64_t source_length = geometry.SourceLength(index);
  const uint64_t target_length = geometry.TargetLength(index);
  const auto append = [&](DiffRun run) {
    if (runs.empty() || !TryExtend(runs.back(), run)) runs.push_back(run);
  };
  if (source_length > 0) {
    append({{start, source_length}, source_zero ? DiffKind::kZero : DiffKind::kData});
  }
  if (target_length > source_length) {
    append({{start + source_length, target_length - source_length}, DiffKind::kPastSourceEnd});
  }
}

Status RunAssembler::Submit(uint64_t item, ItemRuns found) {
  std::lock_guard lock(mu_);
  if (item != next_item_) {
    waiting_.emplace(item, std::move(found));
    return Ok();
  }
  HVR_RETURN_IF_ERROR(TakeItem(found));
  for (auto it = waiting_.find(next_item_); it != waiting_.end(); it = waiting_.find(next_item_)) {
    HVR_RETURN_IF_ERROR(TakeItem(it->second));
    waiting_.erase(it);
  }
  return Ok();
}

Status RunAssembler::TakeItem(const ItemRuns& found) {
  totals_.differing_chunks += found.differing_chunks;
  for (const DiffRun& run : found.runs) HVR_RETURN_IF_ERROR(Take(run));
  ++next_item_;
  return Ok();
}

Status RunAssembler::Take(const DiffRun& run) {
  if (open_ && TryExtend(*open_, run)) return Ok();
  if (open_) HVR_RETURN_IF_ERROR(Emit(*open_));
  open_ = run;
  return Ok();
}

Status RunAssembler::Emit(const DiffRun& run) {
  totals_.runs += 1;
  switch (run.kind) {
    case DiffKind::kData:
      totals_.data_bytes += run.range.length;
      break;
    case DiffKind::kZero:
      totals_.zero_bytes += run.range.length;
      break;
    case DiffKind::kPastSourceEnd:
      totals_.past_source_end_bytes += run.range.length;
      break;
  }
  if (on_run_) return on_run_(run);
  kept_.push_back(run);
  return Ok();
}

Result<DiffTotals> RunAssembler::Finish() {
  std::lock_guard lock(mu_);
  if (!waiting_.empty()) {
    return Error(Code::kInternal, "diff: work item " + std::to_string(next_item_) + " never finished");
  }
  if (open_) {
    HVR_RETURN_IF_ERROR(Emit(*open_));
    open_.reset();
  }
  return totals_;
}

}  // namespace hvr
