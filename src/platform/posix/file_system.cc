#include "platform/file_system.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace hvr {

Status RenameReplacing(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoError(errno, "rename " + from + " to " + to);
  return Ok();
}

Status RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return Ok();
  // A folder in the way may be reported as not empty rather than existing.
  if (errno == ENOTEMPTY) return ErrnoError(EEXIST, "rename " + from + " to " + to);
  if (errno != EINVAL && errno != ENOSYS) return ErrnoError(errno, "rename " + from + " to " + to);
  // A file system without RENAME_NOREPLACE: link() refuses to replace too (files only).
  if (::link(from.c_str(), to.c_str()) != 0) return ErrnoError(errno, "link " + from + " to " + to);
  ::unlink(from.c_str());
  return Ok();
}

Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return ErrnoError(errno, "remove " + path);
  return Ok();
}

Status RemoveFileIfExists(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoError(errno, "remove " + path);
  return Ok();
}

Status MakeDirectory(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0) return ErrnoError(errno, "create folder " + path);
  return Ok();
}

Status SyncDirectory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, "open folder " + path);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoError(err, "fsync folder " + path);
  return Ok();
}

Status RestrictToOwner(const std::string& folder) {
  if (::chmod(folder.c_str(), 0700) != 0) return ErrnoError(errno, "chmod " + folder);
  return Ok();
}

Status RestrictExistingFileToOwner(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno == ENOENT ? Ok() : ErrnoError(errno, "stat " + path);
  if ((st.st_mode & 077) != 0 && ::chmod(path.c_str(), 0600) != 0) return ErrnoError(errno, "chmod " + path);
  return Ok();
}

Result<FileIdentity> IdentityOfFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoError(errno, "stat " + path);
  return FileIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

}  // namespace hvr
