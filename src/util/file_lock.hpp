// Advisory locks between processes (flock) on a lock file, so that two agents sharing a
// local store folder respect each other's writes, snapshots and leases, and only one
// process at a time runs a session's state directory. Each lock opens
// the file itself: flock locks belong to an open file description, and sharing one
// between threads would let one thread's unlock drop another's lock.
#pragma once

#include <optional>
#include <string>

#include "hvr/error.hpp"

namespace hvr {

class FileLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Blocks until the lock is granted; creates the lock file when missing.
  static Result<FileLock> Acquire(const std::string& path, Mode mode);
  // Takes the lock if nobody holds it; nullopt if someone does.
  static Result<std::optional<FileLock>> TryAcquire(const std::string& path, Mode mode);
  // Locks an open descriptor (released by Release or by closing it).
  static Status LockDescriptor(int fd, Mode mode, const std::string& what);
  static void UnlockDescriptor(int fd);

  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace hvr
