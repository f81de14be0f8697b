#include "platform/file_lock.hpp"

#include <sys/file.h>

#include <cerrno>

namespace hvr {
namespace {

int Fd(const File& file) { return static_cast<int>(file.native_handle()); }
int Operation(FileLock::Mode mode) { return mode == FileLock::Mode::kShared ? LOCK_SH : LOCK_EX; }

Status Lock(const File& file, FileLock::Mode mode) {
  while (::flock(Fd(file), Operation(mode)) != 0) {
    if (errno != EINTR) return ErrnoError(errno, "lock " + file.path());
  }
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
  while (::flock(Fd(*file), Operation(mode) | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return std::optional<FileLock>();
    if (errno != EINTR) return ErrnoError(errno, "lock " + path);
  }
  return std::optional<FileLock>(FileLock(std::move(file).value()));
}

Result<FileLock::Guard> FileLock::LockOpenFile(const File& file, Mode mode) {
  HVR_RETURN_IF_ERROR(Lock(file, mode));
  return Guard(&file);
}

FileLock::Guard::~Guard() {
  if (file_ != nullptr) ::flock(Fd(*file_), LOCK_UN);
}

}  // namespace hvr
