// Chunk-diff: the differences between two disks, a disk and a manifest, or two manifests,
// in fixed-size chunks (docs/chunk-diff.md). Resynchronization and failback send only
// what differs.
//
// Every function here reads disks through hvr::DiskReader (raw, VHD, VHDX alike) in large
// aligned slices on a pool of worker threads, with memory bounded by the pool size, never
// by the disk size. Ranges a disk reports unallocated count as zeros and are not read.
//
// Direction: a diff describes how to turn `target` into `source`. Each differing range is
// one of three kinds: send the source's bytes, clear (the source reads zeros there), or
// cut off (the target extends past the source's end). When sizes differ the tail is
// always reported; nothing is truncated silently.
//
// Thread safety: the functions are reentrant; the DiskReaders they are given must allow
// concurrent reads (hvr::DiskReader promises that).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "hvr/cancel.hpp"
#include "hvr/disk.hpp"
#include "hvr/error.hpp"
#include "hvr/manifest.hpp"
#include "hvr/progress.hpp"

namespace hvr {

struct ChunkOptions {
  // Chunk size in bytes. 0 means: kDefaultChunkSize when building a manifest; the
  // manifest's when one takes part (a different non-zero value is then an error);
  // kMinChunkSize for disk vs disk, which keeps nothing per chunk, so the finest
  // granularity (the least to send) costs nothing.
  uint32_t chunk_size = 0;
  // Worker threads; 0 means one per core. Each holds one read buffer per disk it reads,
  // of 1 MiB or one chunk if larger: that, not the disk size, bounds the memory used.
  int threads = 0;
  // Bytes of disk address space done, of the total; at most about a thousand calls.
  ProgressFn progress;
  const CancelToken* cancel = nullptr;

  // The chunk size 0 or ValidateChunkSize's; threads 0 to 256. Every call taking these
  // options checks them first.
  Status Validate() const;
};

// Hashes every chunk of `disk`.
Result<Manifest> BuildManifest(const DiskReader& disk, const ChunkOptions& options = {});

// Makes `manifest` follow its disk after writes: re-hashes, from `disk` (the replica's new
// content), exactly the chunks that the `changed` ranges touch, and nothing else. When
// the disk's size differs from the manifest's, the manifest is resized and the chunks
// whose extent changed are hashed too. If the manifest matched the disk outside those
// ranges, the result equals BuildManifest(disk) and costs only their chunks. On failure
// the touched chunks are left unknown, so no diff trusts them. `options.chunk_size` must
// be 0 or the manifest's.
Status UpdateManifest(Manifest& manifest, const DiskReader& disk,
                      std::span<const ByteRange> changed, const ChunkOptions& options = {});

enum class DiffKind {
  kData,           // send the source's bytes
  kZero,           // the source reads zeros here: clear the range instead of sending it
  kPastSourceEnd,  // only the target has these bytes (it is longer): cut them off
};

const char* DiffKindName(DiffKind kind);  // "data", "zero", "past_source_end"

struct DiffRun {
  ByteRange range;
  DiffKind kind = DiffKind::kData;
  friend bool operator==(const DiffRun&, const DiffRun&) = default;
};

struct DiffTotals {
  uint64_t chunks = 0;            // chunk positions compared (those of the longer side)
  uint64_t differing_chunks = 0;
  uint64_t runs = 0;
  uint64_t data_bytes = 0;        // bytes to send
  uint64_t zero_bytes = 0;        // bytes to clear
  uint64_t past_source_end_bytes = 0;
  friend bool operator==(const DiffTotals&, const DiffTotals&) = default;
};

struct DiffResult {
  uint32_t chunk_size = 0;
  uint64_t source_size = 0;
  uint64_t target_size = 0;
  // Differing chunks merged into maximal runs of one kind, in disk order. Empty when a
  // RunFn received them instead.
  std::vector<DiffRun> runs;
  DiffTotals totals;

  bool identical() const { return totals.differing_chunks == 0; }
};

// Receives each run, in disk order, as soon as it is final (it merges no further). Called
// from worker threads, one call at a time; it may block to apply back-pressure, and a
// failure it returns stops the diff with that error.
using RunFn = std::function<Status(const DiffRun& run)>;

// Disk vs disk: reads both and compares bytes (exact; no hash is involved), by default in
// 4 KiB chunks.
Result<DiffResult> Diff(const DiskReader& source, const DiskReader& target,
                        const ChunkOptions& options = {}, const RunFn& on_run = {});

// Disk vs manifest (resynchronization): reads only the source, hashing each chunk and
// comparing it with the manifest's, at the chunk size of the manifest.
Result<DiffResult> Diff(const DiskReader& source, const Manifest& target,
                        const ChunkOptions& options = {}, const RunFn& on_run = {});

// Manifest vs manifest: compares hashes; both must have the same chunk size. A source
// chunk that is unknown is reported as data.
Result<DiffResult> Diff(const Manifest& source, const Manifest& target,
                        const RunFn& on_run = {});

// The result as a JSON document: chunk_size, source_size, target_size, identical, totals
// (with bytes_to_send) and runs ({offset, length, kind}).
std::string DiffToJson(const DiffResult& result);

}  // namespace hvr
