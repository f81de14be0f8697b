#include "util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "util/file.hpp"

namespace hvr {

Result<FileLock> FileLock::Acquire(const std::string& path, Mode mode) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(errno, "open lock file " + path);
  FileLock lock(fd);
  HVR_RETURN_IF_ERROR(LockDescriptor(fd, mode, path));
  return lock;
}

Result<std::optional<FileLock>> FileLock::TryAcquire(const std::string& path, Mode mode) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(errno, "open lock file " + path);
  FileLock lock(fd);
  const int op = (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  while (::flock(fd, op) != 0) {
    if (errno == EWOULDBLOCK) return std::optional<FileLock>();
    if (errno != EINTR) return ErrnoError(errno, "lock " + path);
  }
  return std::optional<FileLock>(std::move(lock));
}

Status FileLock::LockDescriptor(int fd, Mode mode, const std::string& what) {
  const int op = mode == Mode::kShared ? LOCK_SH : LOCK_EX;
  while (::flock(fd, op) != 0) {
    if (errno != EINTR) return ErrnoError(errno, "lock " + what);
  }
  return Ok();
}

void FileLock::UnlockDescriptor(int fd) { ::flock(fd, LOCK_UN); }

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace hvr
