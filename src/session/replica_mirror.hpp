// What a session mirrors into each replica disk's metadata, and reading it back: where
// replication stands (VM, disk, state, last point, last applied log, tracked identity)
// and which relationship owns the replica, so that another agent can take the VM over
// from the replicas alone (Session::Adopt, docs/session.md "Adopt") and the agent it
// took it from never writes it again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "hvr/guid.hpp"
#include "hvr/protection.hpp"
#include "hvr/store.hpp"
#include "session/session_state.hpp"

namespace hvr {

// The layout of the mirror. 1 (no "mirror" key): VM, disk, state, point, log and
// identity only, written before replicas could be adopted; 2 adds the version, the
// number of disks and the owner, and later the disk's first point ("first_point", which
// a reader of 2 without it takes as 0: the disk was in every point).
inline constexpr int kMirrorVersion = 2;

// The mirror of disk `index` of `state`.
Metadata MirrorMetadata(const ProtectionSettings& settings, const SessionState& state, size_t index);

// The VM id a replica's metadata names ("" when none): the relationship that made it.
std::string MirroredVmId(const Metadata& metadata);

// A replica's mirror, read back.
struct MirroredDisk {
  std::string vm_name;
  Guid vm_id;
  size_t index = 0;       // the disk's place in the VM
  size_t disk_count = 0;  // the VM's disks
  ReplicationState state = ReplicationState::kEnabled;
  std::optional<uint64_t> point;            // the newest point's sequence; none before the first
  std::optional<Guid> last_applied_log;     // none before the first log
  Guid tracked_identity;                    // zero: taken from the next log
  Guid owner;
  uint64_t first_point = 0;  // DiskState::first_point; 0 when absent (written before the field)
};

// kInvalidReplicaState naming the replica and the field when a field is missing or
// unreadable, or the mirror is of version 1 or of an unknown one: adopt never guesses.
Result<MirroredDisk> ReadMirror(const DiskProperties& replica);

// The fence: kConflict when `replica`'s metadata names an owner other than `owner` (zero:
// a relationship made before owners existed, which owns nothing another names): another
// agent adopted it, and this relationship must never write it again.
Status RequireOwner(const std::string& replica, const Metadata& metadata, const Guid& owner);

}  // namespace hvr
