// How a session's operations run, one options type per operation that has any
// (hvr/session.hpp says what each operation does).
#pragma once

#include <string>

namespace hvr {

// How protection is enabled.
struct ProtectOptions {
  // The target already holds a copy of each source disk under its replica's name (made by
  // `hvrepl upload`, UploadDisk, or offline), sized as the source needs (its virtual size
  // in whole MiB; another size is an error): initial replication reads those copies,
  // compares them with the sources chunk by chunk and sends only what differs. A disk of
  // a replica's name that is missing is created empty. Without it, a disk of a replica's
  // name that this relationship did not create is refused.
  bool seed = false;
};

// How a VM is adopted (Session::Adopt).
struct AdoptOptions {
  // Resynchronize even when the logs since the last applied one are all there: the
  // replicas are compared with the sources chunk by chunk and only what differs is sent.
  bool resync = false;
};

struct ResyncOptions {
  // Read every replica and hash what it holds instead of trusting what hvr recorded of it
  // (its manifest): costs reading the replicas' data once, and sends whatever differs from
  // the source whoever wrote it. A resync does this by itself for a replica it finds
  // written by someone else since hvr's last write (docs/session.md).
  bool verify_replica = false;
};

// How a disk leaves protection.
struct RemoveDiskOptions {
  // Also delete the disk's replica with its recovery points; otherwise it stays in the
  // target, its lease released.
  bool delete_replica = false;
};

// How protection is removed.
struct UnprotectOptions {
  // Also delete the replica disks with every recovery point, and the disks a failover or
  // test failover left: nothing of the VM stays in the target. Otherwise they stay, their
  // leases released.
  bool delete_replicas = false;
};

struct FailoverOptions {
  // "latest", "latest-app-consistent" or a point's id; a planned failover always takes
  // the point its last cycle makes.
  std::string point = "latest";
  // Planned: the host shuts the source VM down, a last cycle ships its last logs, and
  // the failover loses nothing. Unplanned: the source is gone; the point decides.
  bool planned = false;
};

// Where failback brings the VM's disks: the original files, or new VHDX files in a
// folder (an alternate location).
struct FailbackOptions {
  std::string folder;  // empty: the original disks
};

}  // namespace hvr
