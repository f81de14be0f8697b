#include <windows.h>

#include "platform/file_lock.hpp"

namespace hvr {
namespace {

// Windows byte-range locks are mandatory: a locked range cannot be read or written
// through other handles. The lock therefore covers one byte far beyond any data a locked
// file will hold (an undo log is locked while other processes read it), which LockFileEx
// allows and which keeps the lock advisory in effect, as flock is.
constexpr uint64_t kLockOffset = uint64_t{1} << 62;

HANDLE Handle(const File& file) { return reinterpret_cast<HANDLE>(file.native_handle()); }

OVERLAPPED LockPosition() {
  OVERLAPPED at{};
  at.Offset = static_cast<DWORD>(kLockOffset);
  at.OffsetHigh = static_cast<DWORD>(kLockOffset >> 32);
  return at;
}

}  // namespace

Result<bool> FileLock::Lock(const File& file, Mode mode, bool wait) {
  OVERLAPPED at = LockPosition();
  const DWORD flags = (mode == Mode::kExclusive ? LOCKFILE_EXCLUSIVE_LOCK : 0) | (wait ? 0 : LOCKFILE_FAIL_IMMEDIATELY);
  if (::LockFileEx(Handle(file), flags, 0, 1, 0, &at)) return true;
  if (!wait && ::GetLastError() == ERROR_LOCK_VIOLATION) return false;
  return LastSystemError("lock " + file.path());
}

void FileLock::Unlock(const File& file) {
  OVERLAPPED at = LockPosition();
  ::UnlockFileEx(Handle(file), 0, 1, 0, &at);
}

}  // namespace hvr
