// Bringing a replica disk to the content of a frozen source disk by sending only the
// chunks that differ from what the replica's manifest says it holds. Initial replication
// is this against an all-zero manifest (a new replica reads as zeros); resync is this
// against the replica's real manifest. The manifest follows every write as it completes
// and is handed to a checkpoint callback now and then, so an interrupted sync resumes by
// running again: the chunks already sent then compare equal and are not sent twice.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "hvr/cancel.hpp"
#include "hvr/disk.hpp"
#include "hvr/link.hpp"
#include "hvr/manifest.hpp"
#include "hvr/progress.hpp"
#include "hvr/store.hpp"

namespace hvr {

struct ReplicaSyncOptions {
  int buffers = 8;       // writes in flight, 4 MiB each
  unsigned threads = 2;  // readers and hashers of the source
  // The replica holds nothing but zeros and this very source's data (a copy from one
  // frozen view, maybe interrupted): zero blocks inside differing chunks need not be
  // sent, which saves most of a sparse disk's traffic. Never true for a resync.
  bool replica_zero_or_source = false;
  // Zero gaps shorter than this between non-zero blocks are sent, not skipped
  // (LinkModel::JoinGap).
  uint64_t join_gap = LinkModel{}.JoinGap();
  ProgressFn progress;  // bytes examined, of the bytes to examine
  // Receives a copy of the manifest that is true of the replica (every chunk it claims
  // was written and flushed), about every `checkpoint_every`; a failure stops the sync.
  std::function<Status(const Manifest& manifest)> checkpoint;
  std::chrono::milliseconds checkpoint_every{10'000};
  const CancelToken* cancel = nullptr;
};

struct ReplicaSyncStats {
  uint64_t bytes_examined = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_cleared = 0;
  uint64_t differing_chunks = 0;
  uint64_t requests = 0;
  std::chrono::nanoseconds elapsed{0};
};

// Makes replica `replica` of `store` equal `source` (which must not change meanwhile),
// given that `manifest` describes the replica (unknown chunks are sent). On return the
// manifest describes the replica again, also after a failure (what was written then is
// in it, what was not is as it was). The replica may be larger than the source (it is
// sized in whole MiB); its tail must read as zeros.
Result<ReplicaSyncStats> SyncToReplica(const DiskReader& source, Manifest& manifest, ReplicaStore& store,
                                       const std::string& replica, const ReplicaSyncOptions& options);

}  // namespace hvr
