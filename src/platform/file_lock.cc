// The parts of FileLock that are the same on every platform, built on Lock and Unlock in
// posix/file_lock.cc or windows/file_lock.cc.
#include "platform/file_lock.hpp"

namespace hvr {

Result<FileLock> FileLock::Acquire(const std::string& path, Mode mode) {
  auto file = File::Open(path, File::Mode::kOpenOrCreate);
  if (!file.ok()) return file.error().WithContext("lock file");
  HVR_RETURN_IF_ERROR(Lock(*file, mode, /*wait=*/true));
  return FileLock(std::move(file).value());
}

Result<std::optional<FileLock>> FileLock::TryAcquire(const std::string& path, Mode mode) {
  auto file = File::Open(path, File::Mode::kOpenOrCreate);
  if (!file.ok()) return file.error().WithContext("lock file");
  HVR_ASSIGN_OR_RETURN(const bool taken, Lock(*file, mode, /*wait=*/false));
  if (!taken) return std::optional<FileLock>();
  return std::optional<FileLock>(FileLock(std::move(file).value()));
}

Result<FileLock::Guard> FileLock::LockOpenFile(const File& file, Mode mode) {
  HVR_RETURN_IF_ERROR(Lock(file, mode, /*wait=*/true));
  return Guard(&file);
}

FileLock::Guard::~Guard() {
  if (file_ != nullptr) Unlock(*file_);
}

}  // namespace hvr
