#include "platform/file_lock.hpp"

#include <windows.h>

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

DWORD Flags(FileLock::Mode mode) { return mode == FileLock::Mode::kExclusive ? LOCKFILE_EXCLUSIVE_LOCK : 0; }

Status Lock(const File& file, FileLock::Mode mode) {
  OVERLAPPED at = LockPosition();
  if (!::LockFileEx(Handle(file), Flags(mode), 0, 1, 0, &at)) return LastSystemError("lock " + file.path());
  return Ok();
}

}  // namespace

Result<FileLock> FileLock::Acquire(const std::string& path, Mode mode) {
  auto file = File::Open(path, File::Mode::kOpenOrCreate);
  if (!file.ok()) return file.error().WithContext("lock file");
  HVR_RETURN_IF_ERROR(Lock(*file, mode));
  return FileLock(std::move(file).value());
}

Result<std::optional<FileLock>> FileLock::TryAcquire(const std::string& path, Mode mode) {
  auto file = File::Open(path, File::Mode::kOpenOrCreate);
  if (!file.ok()) return file.error().WithContext("lock file");
  OVERLAPPED at = LockPosition();
  if (!::LockFileEx(Handle(*file), Flags(mode) | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &at)) {
    if (::GetLastError() == ERROR_LOCK_VIOLATION) return std::optional<FileLock>();
    return LastSystemError("lock " + path);
  }
  return std::optional<FileLock>(FileLock(std::move(file).value()));
}

Result<FileLock::Guard> FileLock::LockOpenFile(const File& file, Mode mode) {
  HVR_RETURN_IF_ERROR(Lock(file, mode));
  return Guard(&file);
}

FileLock::Guard::~Guard() {
  if (file_ == nullptr) return;
  OVERLAPPED at = LockPosition();
  ::UnlockFileEx(Handle(*file_), 0, 1, 0, &at);
}

}  // namespace hvr
