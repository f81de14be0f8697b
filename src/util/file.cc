#include "util/file.hpp"

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace hvr {

Error ErrnoError(int err, std::string_view what) {
  Code code = Code::kIo;
  switch (err) {
    case ENOENT:
      code = Code::kNotFound;
      break;
    case ENOSPC:
    case EDQUOT:
      code = Code::kLowDiskSpace;
      break;
    case ENOMEM:
      code = Code::kLowMemory;
      break;
    case EACCES:
    case EPERM:
      code = Code::kAuthFailed;
      break;
    case EEXIST:
      code = Code::kConflict;
      break;
    case EINVAL:
    case EISDIR:
    case ENOTDIR:
    case ENAMETOOLONG:
      code = Code::kInvalidArgument;
      break;
    default:
      break;
  }
  std::string message(what);
  message += ": ";
  message += std::strerror(err);
  return Error(code, std::move(message));
}

Result<File> File::Open(const std::string& path, Mode mode, FileAccess access) {
  int flags = O_CLOEXEC;
  switch (mode) {
    case Mode::kRead:
      flags |= O_RDONLY;
      break;
    case Mode::kReadWrite:
      flags |= O_RDWR;
      break;
    case Mode::kCreateExclusive:
      flags |= O_RDWR | O_CREAT | O_EXCL;
      break;
    case Mode::kCreateOrTruncate:
      flags |= O_RDWR | O_CREAT | O_TRUNC;
      break;
  }
  const bool owner_only = access == FileAccess::kOwnerOnly;
  const int fd = ::open(path.c_str(), flags, owner_only ? 0600 : 0644);
  if (fd < 0) return ErrnoError(errno, "open " + path);
  File file(fd, path);
  if (owner_only && mode != Mode::kRead && ::fchmod(fd, 0600) != 0) return ErrnoError(errno, "chmod " + path);
  return file;
}

File::File(File&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) { other.fd_ = -1; }

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

Result<size_t> File::ReadSomeAt(uint64_t offset, std::span<uint8_t> out) const {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done,
                              static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "read " + path_ + " at offset " + std::to_string(offset + done));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

Status File::ReadAt(uint64_t offset, std::span<uint8_t> out) const {
  HVR_ASSIGN_OR_RETURN(const size_t got, ReadSomeAt(offset, out));
  if (got != out.size()) {
    return Error(Code::kCorruptData, path_ + ": unexpected end of file reading " +
                                         std::to_string(out.size()) + " bytes at offset " +
                                         std::to_string(offset) + " (got " +
                                         std::to_string(got) + ")");
  }
  return Ok();
}

Status File::WriteAt(uint64_t offset, std::span<const uint8_t> data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done,
                               static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "write " + path_ + " at offset " + std::to_string(offset + done));
    }
    done += static_cast<size_t>(n);
  }
  return Ok();
}

Status File::Sync() {
  if (::fdatasync(fd_) != 0) return ErrnoError(errno, "fdatasync " + path_);
  return Ok();
}

Status File::Truncate(uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    return ErrnoError(errno, "truncate " + path_ + " to " + std::to_string(size));
  }
  return Ok();
}

Status File::PunchHole(uint64_t offset, uint64_t length) {
  if (length == 0) return Ok();
  if (::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                  static_cast<off_t>(length)) == 0) {
    return Ok();
  }
  if (errno == EOPNOTSUPP || errno == ENOSYS) {
    // No holes here: write zeros so the content is still what the caller asked for.
    std::vector<uint8_t> zeros(static_cast<size_t>(std::min<uint64_t>(length, 1 << 20)), 0);
    for (uint64_t done = 0; done < length;) {
      const uint64_t n = std::min<uint64_t>(zeros.size(), length - done);
      HVR_RETURN_IF_ERROR(WriteAt(offset + done, std::span(zeros.data(), static_cast<size_t>(n))));
      done += n;
    }
    return Ok();
  }
  return ErrnoError(errno, "punch hole in " + path_ + " at offset " + std::to_string(offset));
}

Result<uint64_t> File::Size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return ErrnoError(errno, "stat " + path_);
  return static_cast<uint64_t>(st.st_size);
}

Result<std::vector<std::pair<uint64_t, uint64_t>>> File::DataRanges() const {
  HVR_ASSIGN_OR_RETURN(const uint64_t size, Size());
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  off_t pos = 0;
  while (static_cast<uint64_t>(pos) < size) {
    const off_t data = ::lseek(fd_, pos, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole remains
      if (errno == EINVAL) {      // file system without SEEK_DATA: all of it is data
        return std::vector<std::pair<uint64_t, uint64_t>>{{0, size}};
      }
      return ErrnoError(errno, "seek data in " + path_);
    }
    off_t hole = ::lseek(fd_, data, SEEK_HOLE);
    if (hole < 0) return ErrnoError(errno, "seek hole in " + path_);
    if (static_cast<uint64_t>(hole) > size) hole = static_cast<off_t>(size);
    ranges.emplace_back(static_cast<uint64_t>(data), static_cast<uint64_t>(hole - data));
    pos = hole;
  }
  return ranges;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kRead));
  HVR_ASSIGN_OR_RETURN(const uint64_t size, file.Size());
  std::string content(static_cast<size_t>(size), '\0');
  HVR_RETURN_IF_ERROR(
      file.ReadAt(0, std::span(reinterpret_cast<uint8_t*>(content.data()), content.size())));
  return content;
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

Status WriteFileAtomically(const std::string& path, std::string_view content, FileAccess access) {
  return WriteFileAtomically(path, std::span<const std::string_view>(&content, 1), access);
}

Status WriteFileAtomically(const std::string& path, std::span<const std::string_view> pieces, FileAccess access) {
  const std::string temp = path + ".tmp";
  {
    // The temporary gets the mode first: the content is never readable by others.
    HVR_ASSIGN_OR_RETURN(File file, File::Open(temp, File::Mode::kCreateOrTruncate, access));
    uint64_t offset = 0;
    for (const std::string_view piece : pieces) {
      HVR_RETURN_IF_ERROR(file.WriteAt(
          offset, std::span(reinterpret_cast<const uint8_t*>(piece.data()), piece.size())));
      offset += piece.size();
    }
    if (::fsync(file.fd()) != 0) return ErrnoError(errno, "fsync " + temp);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return ErrnoError(errno, "rename " + temp + " to " + path);
  }
  std::string folder = std::filesystem::path(path).parent_path().string();
  return SyncDirectory(folder.empty() ? "." : folder);
}

}  // namespace hvr
