#include <sys/file.h>

#include <cerrno>

#include "platform/file_lock.hpp"

namespace hvr {

Result<bool> FileLock::Lock(const File& file, Mode mode, bool wait) {
  const int fd = static_cast<int>(file.native_handle());
  const int operation = (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
  while (::flock(fd, operation) != 0) {
    if (!wait && errno == EWOULDBLOCK) return false;
    if (errno != EINTR) return ErrnoError(errno, "lock " + file.path());
  }
  return true;
}

void FileLock::Unlock(const File& file) { ::flock(static_cast<int>(file.native_handle()), LOCK_UN); }

}  // namespace hvr
