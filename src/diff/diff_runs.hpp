// Turning differing chunks into runs: the geometry of two sides that may differ in size,
// the runs one differing chunk contributes, and the in-order assembly of the runs that
// workers find slice by slice.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "hvr/chunk_diff.hpp"

namespace hvr {

// Chunk positions over two sides of possibly different sizes.
struct DiffGeometry {
  uint32_t chunk_size = 0;
  uint64_t source_size = 0;
  uint64_t target_size = 0;

  uint64_t span() const { return source_size > target_size ? source_size : target_size; }
  uint64_t chunk_count() const { return (span() + chunk_size - 1) / chunk_size; }
  // Bytes of chunk `index` on each side (0 past that side's end).
  uint64_t SourceLength(uint64_t index) const { return LengthWithin(index, source_size); }
  uint64_t TargetLength(uint64_t index) const { return LengthWithin(index, target_size); }
  // Chunks whose extent differs between the sides differ whatever their content.
  bool SameExtent(uint64_t index) const { return SourceLength(index) == TargetLength(index); }

 private:
  uint64_t LengthWithin(uint64_t index, uint64_t size) const;
};

// Extends `into` by `next` when it continues it with the same kind.
bool TryExtend(DiffRun& into, const DiffRun& next);

// Appends the runs of differing chunk `index` to `runs`, merged with the last run where
// it continues: the source's part (kZero when `source_zero`, else kData) and the part
// past the source's end.
void AppendDifferingChunk(const DiffGeometry& geometry, uint64_t index, bool source_zero,
                          std::vector<DiffRun>& runs);

// The runs a work item found, with its count of differing chunks.
struct ItemRuns {
  std::vector<DiffRun> runs;
  uint64_t differing_chunks = 0;
};

// Collects ItemRuns from workers in any order and merges them in item order into maximal
// runs, which go to `on_run` as soon as they are final, or into `kept`. Thread-safe.
class RunAssembler {
 public:
  RunAssembler(const RunFn& on_run, std::vector<DiffRun>& kept) : on_run_(on_run), kept_(kept) {}

  Status Submit(uint64_t item, ItemRuns found);
  // Emits the last run and returns the totals; call after every item was submitted.
  Result<DiffTotals> Finish();

 private:
  // All three run with mu_ held.
  Status TakeItem(const ItemRuns& found);  // the next item in order
  Status Take(const DiffRun& run);
  Status Emit(const DiffRun& run);

  const RunFn& on_run_;
  std::vector<DiffRun>& kept_;
  std::mutex mu_;
  uint64_t next_item_ = 0;
  std::map<uint64_t, ItemRuns> waiting_;  // items finished ahead of next_item_
  std::optional<DiffRun> open_;           // the run that may still grow
  DiffTotals totals_;
};

}  // namespace hvr
