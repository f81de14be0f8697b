// A source disk whose size changed while it is protected (docs/session.md "Disks while
// protected").
//
// A disk that grew is followed: the growth is journalled (DiskState::growing_to), the
// replica grows in the store (its recovery points keep their own size), the manifest is
// extended with chunks known to read as zeros (as the grown part of a replica does), and
// the journal takes the new size. The logs then ship the writes the new part received
// with the rest of the delta; nothing already replicated is sent again. Each step
// repeats safely, so a crash anywhere converges on the next run.
//
// A disk that shrank is refused: the replica's end would keep what the source no longer
// has, and no recovery point could be the source. Nothing is changed.
#include <algorithm>
#include <optional>
#include <boost/asio/use_future.hpp>

#include "hvr/azure_limits.hpp"
#include "hvr/disk.hpp"
#include "hvr/manifest.hpp"
#include "session/session_impl.hpp"
#include "store/validation.hpp"

namespace hvr {
namespace {

using boost::asio::use_future;

// `manifest` of a replica grown to `disk_size` bytes: the chunks wholly past its old
// end read as zeros, since that is what a grown replica holds there.
Status ExtendWithZeros(Manifest& manifest, uint64_t disk_size) {
  const uint64_t old_size = manifest.disk_size();
  if (disk_size <= old_size) return Ok();
  HVR_RETURN_IF_ERROR(manifest.Resize(disk_size));
  const uint64_t first_new = (old_size + manifest.chunk_size() - 1) / manifest.chunk_size();
  for (uint64_t i = first_new; i < manifest.chunk_count(); ++i) manifest.set_hash(i, ChunkHash::Zero());
  return Ok();
}

}  // namespace

Result<uint64_t> Session::Impl::ReplicaSizeNeeded(size_t disk, uint64_t source_size) const {
  const DiskState d = Snapshot().disks[disk];
  if (source_size < d.source_size) {
    return Error(Code::kInvalidReplicaState,
                 "source disk " + d.source + " shrank from " + std::to_string(d.source_size) + " to " +
                     std::to_string(source_size) + " bytes; its replica '" + d.replica +
                     "' and recovery points are kept as they are. A disk that shrank is not replicated: "
                     "give it its size back, or remove the disk and add it again");
  }
  const uint64_t needed = std::max({ReplicaSizeFor(source_size), d.replica_size, d.growing_to});
  if (needed > d.replica_size) {
    if (Status fits = CheckDiskSize(disk, needed); !fits.ok()) {
      return Error(fits.error().code(), "source disk " + d.source + " grew to " + std::to_string(source_size) +
                                            " bytes: " + fits.error().message());
    }
  }
  return needed;
}

Result<std::vector<uint64_t>> Session::Impl::CheckSourceSizes(std::vector<uint64_t>& source_sizes) const {
  const SessionState s = Snapshot();
  std::vector<uint64_t> replica_sizes;
  source_sizes.clear();
  for (size_t i = 0; i < s.disks.size(); ++i) {
    HVR_ASSIGN_OR_RETURN(const auto source, OpenDisk(s.disks[i].source));
    const uint64_t size = source->info().virtual_size;
    HVR_ASSIGN_OR_RETURN(const uint64_t needed, ReplicaSizeNeeded(i, size));
    source_sizes.push_back(size);
    replica_sizes.push_back(needed);
  }
  return replica_sizes;
}

Status Session::Impl::FollowSourceSize(RunningJob& job, size_t disk, uint64_t source_size, uint64_t replica_size,
                                       Manifest* manifest) {
  const DiskState d = Snapshot().disks[disk];
  if (replica_size == d.replica_size && d.growing_to == 0) {
    if (source_size == d.source_size) return Ok();
    // Grown inside the replica's last MiB: the replica already holds room for it.
    return Commit([&](SessionState& s) { s.disks[disk].source_size = source_size; });
  }
  job.Step("grow replica '" + d.replica + "' from " + std::to_string(d.replica_size) + " to " +
           std::to_string(replica_size) + " bytes (its source grew)");
  // The journal first: from here on a crash grows the replica again, which the store
  // does safely whatever part of it was done.
  if (d.growing_to != replica_size) {
    HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) { s.disks[disk].growing_to = replica_size; }));
  }
  HVR_RETURN_IF_ERROR(store->AsyncGrowDisk(d.replica, replica_size, use_future).get());
  std::optional<Manifest> saved;
  if (!manifest) {
    // A replica with no manifest yet gets one that knows nothing of the old part.
    HVR_ASSIGN_OR_RETURN(Manifest loaded, LoadManifest(disk, false));
    manifest = &saved.emplace(std::move(loaded));
  }
  HVR_RETURN_IF_ERROR(ExtendWithZeros(*manifest, replica_size));
  HVR_RETURN_IF_ERROR(SaveManifest(disk, *manifest));
  return Commit([&](SessionState& s) {
    // The points before keep the size they were taken at (a failover to one gives it).
    RecordPointSizes(s);
    DiskState& grown = s.disks[disk];
    grown.replica_size = replica_size;
    grown.source_size = source_size;
    grown.growing_to = 0;
  });
}

}  // namespace hvr
