#include "disk/new_file.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "disk/disk_checks.hpp"
#include "hvr/guid.hpp"

namespace hvr {

Result<NewFile> NewFile::Create(const std::string& path, DiskFormat format, bool overwrite) {
  HVR_RETURN_IF_ERROR(CheckNameClaims(path, format));
  std::error_code ec;
  if (!overwrite && std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::not_found) {
    return Error(Code::kConflict, path + ": already exists; hvr does not replace it");
  }
  const std::string temp = path + ".hvr-" + Guid::Random().ToString().substr(0, 8) + ".tmp";
  HVR_ASSIGN_OR_RETURN(File file, File::Open(temp, File::Mode::kCreateExclusive));
  return NewFile(std::move(file), path, temp, overwrite);
}

NewFile::NewFile(NewFile&& other) noexcept
    : file_(std::move(other.file_)),
      path_(std::move(other.path_)),
      temp_path_(std::move(other.temp_path_)),
      overwrite_(other.overwrite_),
      published_(other.published_) {
  other.published_ = true;  // the moved-from object owns nothing to clean up
}

NewFile::~NewFile() {
  if (!published_) ::unlink(temp_path_.c_str());
}

Status NewFile::Publish(bool sync) {
  if (sync) HVR_RETURN_IF_ERROR(file_.Sync());
  if (overwrite_) {
    if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
      return ErrnoError(errno, "rename " + temp_path_ + " to " + path_);
    }
  } else if (::renameat2(AT_FDCWD, temp_path_.c_str(), AT_FDCWD, path_.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno != EINVAL && errno != ENOSYS) {
      return ErrnoError(errno, "rename " + temp_path_ + " to " + path_);
    }
    // A file system without RENAME_NOREPLACE: link() refuses to replace too.
    if (::link(temp_path_.c_str(), path_.c_str()) != 0) {
      return ErrnoError(errno, "link " + temp_path_ + " to " + path_);
    }
    ::unlink(temp_path_.c_str());
  }
  published_ = true;
  if (!sync) return Ok();
  const std::string folder = std::filesystem::path(path_).parent_path().string();
  return SyncDirectory(folder.empty() ? "." : folder);
}

Status Preallocate(File& file, uint64_t size) {
  HVR_ASSIGN_OR_RETURN(const uint64_t current, file.Size());
  if (size <= current) return Ok();
  if (::fallocate(file.fd(), 0, static_cast<off_t>(current), static_cast<off_t>(size - current)) == 0) {
    return Ok();
  }
  if (errno != EOPNOTSUPP && errno != ENOSYS) {
    return ErrnoError(errno, "allocate " + std::to_string(size) + " bytes for " + file.path());
  }
  return file.Truncate(size);
}

}  // namespace hvr
