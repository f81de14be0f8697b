// What hvr knows of a replica (its manifest, and that every recovery point taken from it
// is the source at some log) holds only while nobody else writes it. The lease keeps
// other writers out; a broken lease, an administrator with the account key, or another
// tool does not. So hvr records each replica's ETag as its own last write left it, at the
// end of every operation that writes the replicas, and forgets it while it writes them
// again (a write a crash cut short is its own). A recorded ETag that is no longer the
// replica's means someone else wrote it:
//   - a delta cycle refuses to apply logs on that base (the points it made would not be
//     the source) and the VM is marked for resync;
//   - a resync reads that replica instead of trusting its manifest, so it sends whatever
//     differs, the outsider's writes included. An operator may ask for that reading too
//     (Session::Resynchronize with ResyncOptions::verify_replica).
#include <boost/asio/use_future.hpp>

#include "session/session_impl.hpp"

namespace hvr {
namespace {

using boost::asio::use_future;

std::string ModifiedOutside(const DiskState& d, const std::string& etag) {
  return "replica disk '" + d.replica + "' was modified outside hvr (ETag " + etag + ", hvr left " +
         d.replica_etag + ")";
}

}  // namespace

Result<std::string> Session::Impl::ReplicaEtag(const std::string& replica) const {
  HVR_ASSIGN_OR_RETURN(const DiskProperties props, store->AsyncGetDisk(replica, use_future).get());
  return props.etag;
}

Status Session::Impl::RecordReplicaEtags() {
  const SessionState s = Snapshot();
  std::vector<std::string> etags;
  for (const DiskState& d : s.disks) {
    HVR_ASSIGN_OR_RETURN(std::string etag, ReplicaEtag(d.replica));
    etags.push_back(std::move(etag));
  }
  return Commit([&](SessionState& st) {
    for (size_t i = 0; i < st.disks.size(); ++i) st.disks[i].replica_etag = etags[i];
  });
}

Status Session::Impl::BeginReplicaWrites() {
  const SessionState s = Snapshot();
  for (const DiskState& d : s.disks) {
    if (d.replica_etag.empty()) continue;
    HVR_ASSIGN_OR_RETURN(const std::string etag, ReplicaEtag(d.replica));
    if (etag != d.replica_etag) {
      return Error(Code::kResyncRequired, ModifiedOutside(d, etag) + ": its logs cannot be applied on it");
    }
  }
  return Commit([](SessionState& st) {
    for (DiskState& d : st.disks) d.replica_etag.clear();
  });
}

Result<std::string> Session::Impl::TrustManifest(size_t disk, Manifest& manifest) {
  const DiskState d = Snapshot().disks[disk];
  std::string doubt;
  if (d.verify_replica) {
    doubt = "an operator asked to verify the replica";
  } else if (!d.replica_etag.empty()) {
    HVR_ASSIGN_OR_RETURN(const std::string etag, ReplicaEtag(d.replica));
    if (etag != d.replica_etag) doubt = ModifiedOutside(d, etag);
  }
  if (!doubt.empty()) {
    // Unknown chunks are read from the replica before anything is sent.
    HVR_RETURN_IF_ERROR(manifest.Invalidate(ByteRange{0, manifest.disk_size()}));
    HVR_RETURN_IF_ERROR(SaveManifest(disk, manifest));
  }
  // Only now, with the manifest saved: a crash before leaves the doubt to the next run.
  HVR_RETURN_IF_ERROR(Commit([&](SessionState& s) {
    s.disks[disk].replica_etag.clear();
    s.disks[disk].verify_replica = false;
  }));
  return doubt;
}

}  // namespace hvr
