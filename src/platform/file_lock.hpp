// Advisory locks between processes on a lock file (flock on POSIX, LockFileEx on
// Windows), so that two agents sharing a local store folder respect each other's writes,
// snapshots and leases, and only one process at a time runs a session's state directory.
// Each lock opens the file itself: flock locks belong to an open file description, and
// sharing one between threads would let one thread's unlock drop another's lock.
#pragma once

#include <optional>
#include <string>

#include "hvr/error.hpp"
#include "platform/file.hpp"

namespace hvr {

class FileLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Blocks until the lock is granted; creates the lock file when missing.
  static Result<FileLock> Acquire(const std::string& path, Mode mode);
  // Takes the lock if nobody holds it; nullopt if someone does.
  static Result<std::optional<FileLock>> TryAcquire(const std::string& path, Mode mode);
  // Locks an open file for as long as the returned guard lives (or the file stays open).
  class Guard;
  static Result<Guard> LockOpenFile(const File& file, Mode mode);

  FileLock(FileLock&& other) noexcept = default;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock() = default;  // closing the file releases the lock

 private:
  explicit FileLock(File file) : file_(std::move(file)) {}
  // The system's part (posix/file_lock.cc, windows/file_lock.cc): locks an open file,
  // waiting for it or not; false when it did not wait and someone else holds it.
  static Result<bool> Lock(const File& file, Mode mode, bool wait);
  static void Unlock(const File& file);

  File file_;
};

class FileLock::Guard {
 public:
  Guard(Guard&& other) noexcept : file_(std::exchange(other.file_, nullptr)) {}
  Guard& operator=(Guard&&) = delete;
  Guard(const Guard&) = delete;
  ~Guard();

 private:
  friend class FileLock;
  explicit Guard(const File* file) : file_(file) {}
  const File* file_;
};

}  // namespace hvr
