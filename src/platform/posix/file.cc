#include "platform/file.hpp"

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace hvr {
namespace {

int Fd(File::NativeHandle handle) { return static_cast<int>(handle); }

TimePoint TimeOf(const timespec& t) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::seconds(t.tv_sec) +
                                                                   std::chrono::nanoseconds(t.tv_nsec)));
}

}  // namespace

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
    case Mode::kOpenOrCreate:
      flags |= O_RDWR | O_CREAT;
      break;
  }
  const bool owner_only = access == FileAccess::kOwnerOnly;
  const int fd = ::open(path.c_str(), flags, owner_only ? 0600 : 0644);
  if (fd < 0) return ErrnoError(errno, "open " + path);
  File file(fd, path);
  if (owner_only && mode != Mode::kRead && ::fchmod(fd, 0600) != 0) return ErrnoError(errno, "chmod " + path);
  return file;
}

File::File(File&& other) noexcept : handle_(std::exchange(other.handle_, -1)), path_(std::move(other.path_)) {}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    Close();
    handle_ = std::exchange(other.handle_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

File::~File() { Close(); }

void File::Close() {
  if (handle_ >= 0) ::close(Fd(handle_));
  handle_ = -1;
}

Result<size_t> File::ReadSomeAt(uint64_t offset, std::span<uint8_t> out) const {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(Fd(handle_), out.data() + done, out.size() - done,
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

Status File::WriteAt(uint64_t offset, std::span<const uint8_t> data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pwrite(Fd(handle_), data.data() + done, data.size() - done,
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
  if (::fdatasync(Fd(handle_)) != 0) return ErrnoError(errno, "fdatasync " + path_);
  return Ok();
}

Status File::SyncAll() {
  if (::fsync(Fd(handle_)) != 0) return ErrnoError(errno, "fsync " + path_);
  return Ok();
}

Status File::Truncate(uint64_t size) {
  if (::ftruncate(Fd(handle_), static_cast<off_t>(size)) != 0) {
    return ErrnoError(errno, "truncate " + path_ + " to " + std::to_string(size));
  }
  return Ok();
}

Status File::Reserve(uint64_t size) {
  HVR_ASSIGN_OR_RETURN(const uint64_t current, Size());
  if (size <= current) return Ok();
  if (::fallocate(Fd(handle_), 0, static_cast<off_t>(current), static_cast<off_t>(size - current)) == 0) {
    return Ok();
  }
  if (errno != EOPNOTSUPP && errno != ENOSYS) {
    return ErrnoError(errno, "allocate " + std::to_string(size) + " bytes for " + path_);
  }
  return Truncate(size);
}

Status File::PunchHole(uint64_t offset, uint64_t length) {
  if (length == 0) return Ok();
  if (::fallocate(Fd(handle_), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                  static_cast<off_t>(length)) == 0) {
    return Ok();
  }
  if (errno == EOPNOTSUPP || errno == ENOSYS) return WriteZeros(offset, length);
  return ErrnoError(errno, "punch hole in " + path_ + " at offset " + std::to_string(offset));
}

Result<uint64_t> File::Size() const {
  struct stat st {};
  if (::fstat(Fd(handle_), &st) != 0) return ErrnoError(errno, "stat " + path_);
  return static_cast<uint64_t>(st.st_size);
}

Result<TimePoint> File::ModifiedTime() const {
  struct stat st {};
  if (::fstat(Fd(handle_), &st) != 0) return ErrnoError(errno, "stat " + path_);
  return TimeOf(st.st_mtim);
}

Result<TimePoint> File::ChangeTime() const {
  struct stat st {};
  if (::fstat(Fd(handle_), &st) != 0) return ErrnoError(errno, "stat " + path_);
  return TimeOf(st.st_ctim);
}

Result<FileIdentity> File::Identity() const {
  struct stat st {};
  if (::fstat(Fd(handle_), &st) != 0) return ErrnoError(errno, "stat " + path_);
  return FileIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

Result<std::vector<std::pair<uint64_t, uint64_t>>> File::DataRanges(uint64_t offset, uint64_t end) const {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  uint64_t pos = offset;
  while (pos < end) {
    const off_t data = ::lseek(Fd(handle_), static_cast<off_t>(pos), SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole remains
      if (errno == EINVAL) {      // file system without SEEK_DATA: all of it is data
        return std::vector<std::pair<uint64_t, uint64_t>>{{offset, end - offset}};
      }
      return ErrnoError(errno, "seek data in " + path_);
    }
    if (static_cast<uint64_t>(data) >= end) break;
    const off_t hole = ::lseek(Fd(handle_), data, SEEK_HOLE);
    if (hole < 0) return ErrnoError(errno, "seek hole in " + path_);
    const uint64_t stop = std::min<uint64_t>(static_cast<uint64_t>(hole), end);
    ranges.emplace_back(static_cast<uint64_t>(data), stop - static_cast<uint64_t>(data));
    pos = stop;
  }
  return ranges;
}

}  // namespace hvr
