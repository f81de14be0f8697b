#include "platform/file.hpp"

#include <windows.h>
#include <aclapi.h>
#include <winioctl.h>

#include <algorithm>
#include <chrono>

#include "platform/windows/owner_only_acl.hpp"
#include "platform/windows/wide_path.hpp"

namespace hvr {
namespace {

HANDLE Handle(File::NativeHandle handle) { return reinterpret_cast<HANDLE>(handle); }
File::NativeHandle Native(HANDLE handle) { return reinterpret_cast<File::NativeHandle>(handle); }
const File::NativeHandle kClosed = Native(INVALID_HANDLE_VALUE);

// Each ReadFile/WriteFile moves at most this much: the API counts in a DWORD.
constexpr uint64_t kMaxTransfer = uint64_t{1} << 30;

OVERLAPPED At(uint64_t offset) {
  OVERLAPPED at{};
  at.Offset = static_cast<DWORD>(offset);
  at.OffsetHigh = static_cast<DWORD>(offset >> 32);
  return at;
}

// File systems (FAT, some network shares) without sparse ranges or reserved space answer
// so; Wine answers ERROR_CALL_NOT_IMPLEMENTED where it has no counterpart.
bool Unsupported(DWORD error) {
  return error == ERROR_INVALID_FUNCTION || error == ERROR_NOT_SUPPORTED || error == ERROR_INVALID_PARAMETER ||
         error == ERROR_CALL_NOT_IMPLEMENTED;
}

// Windows counts time in 100 ns since 1601-01-01; the Unix epoch is 11644473600 s later.
TimePoint TimeFrom1601(int64_t ticks) {
  using Ticks = std::chrono::duration<int64_t, std::ratio<1, 10'000'000>>;
  const auto since_1970 = Ticks(ticks) - std::chrono::seconds(11'644'473'600);
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(since_1970));
}

}  // namespace

Result<File> File::Open(const std::string& path, Mode mode, FileAccess who) {
  const bool owner_only = who == FileAccess::kOwnerOnly && mode != Mode::kRead;
  DWORD access = GENERIC_READ | GENERIC_WRITE | (owner_only ? WRITE_DAC : 0);
  DWORD disposition = OPEN_EXISTING;
  switch (mode) {
    case Mode::kRead:
      access = GENERIC_READ;
      break;
    case Mode::kReadWrite:
      break;
    case Mode::kCreateExclusive:
      disposition = CREATE_NEW;
      break;
    case Mode::kCreateOrTruncate:
      disposition = CREATE_ALWAYS;
      break;
    case Mode::kOpenOrCreate:
      disposition = OPEN_ALWAYS;
      break;
  }
  HVR_ASSIGN_OR_RETURN(const std::wstring wide, LongPath(path));
  // Sharing everything is what POSIX does, and what lets hvr read a disk or a log that
  // Hyper-V holds open (and rename a file it has open itself) without locking anyone out.
  const HANDLE handle = ::CreateFileW(wide.c_str(), access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                      nullptr, disposition, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle == INVALID_HANDLE_VALUE) return LastSystemError("open " + path);
  File file(Native(handle), path);
  const bool created = disposition == CREATE_NEW || disposition == CREATE_ALWAYS ||
                       (disposition == OPEN_ALWAYS && ::GetLastError() != ERROR_ALREADY_EXISTS);
  if (created) {
    // Ranges never written then cost no space, as on POSIX. A file system without
    // sparse files refuses, and the file simply stays dense.
    DWORD ignored = 0;
    ::DeviceIoControl(handle, FSCTL_SET_SPARSE, nullptr, 0, nullptr, 0, &ignored, nullptr);
  }
  if (owner_only) {
    // Before anything is written: the content is never readable by others.
    HVR_ASSIGN_OR_RETURN(const OwnedAcl acl, OwnerAndSystemAcl(NO_INHERITANCE, path));
    const DWORD set = ::SetSecurityInfo(handle, SE_FILE_OBJECT, kProtectedAcl, nullptr, nullptr, acl.get(), nullptr);
    if (set != ERROR_SUCCESS) return NativeError(static_cast<int>(set), "restrict access to " + path);
  }
  return file;
}

File::File(File&& other) noexcept
    : handle_(std::exchange(other.handle_, kClosed)), path_(std::move(other.path_)) {}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    Close();
    handle_ = std::exchange(other.handle_, kClosed);
    path_ = std::move(other.path_);
  }
  return *this;
}

File::~File() { Close(); }

void File::Close() {
  if (handle_ != kClosed) ::CloseHandle(Handle(handle_));
  handle_ = kClosed;
}

Result<size_t> File::ReadSomeAt(uint64_t offset, std::span<uint8_t> out) const {
  size_t done = 0;
  while (done < out.size()) {
    // The offset travels with each call, so threads reading at once do not race on a
    // file position.
    OVERLAPPED at = At(offset + done);
    DWORD n = 0;
    const DWORD want = static_cast<DWORD>(std::min<uint64_t>(out.size() - done, kMaxTransfer));
    if (!::ReadFile(Handle(handle_), out.data() + done, want, &n, &at)) {
      if (::GetLastError() == ERROR_HANDLE_EOF) break;
      return LastSystemError("read " + path_ + " at offset " + std::to_string(offset + done));
    }
    if (n == 0) break;
    done += n;
  }
  return done;
}

Status File::WriteAt(uint64_t offset, std::span<const uint8_t> data) {
  size_t done = 0;
  while (done < data.size()) {
    OVERLAPPED at = At(offset + done);
    DWORD n = 0;
    const DWORD want = static_cast<DWORD>(std::min<uint64_t>(data.size() - done, kMaxTransfer));
    if (!::WriteFile(Handle(handle_), data.data() + done, want, &n, &at)) {
      return LastSystemError("write " + path_ + " at offset " + std::to_string(offset + done));
    }
    done += n;
  }
  return Ok();
}

Status File::Sync() { return SyncAll(); }

Status File::SyncAll() {
  if (!::FlushFileBuffers(Handle(handle_))) return LastSystemError("flush " + path_);
  return Ok();
}

Status File::Truncate(uint64_t size) {
  FILE_END_OF_FILE_INFO end{};
  end.EndOfFile.QuadPart = static_cast<LONGLONG>(size);
  if (!::SetFileInformationByHandle(Handle(handle_), FileEndOfFileInfo, &end, sizeof(end))) {
    return LastSystemError("truncate " + path_ + " to " + std::to_string(size));
  }
  return Ok();
}

Status File::Reserve(uint64_t size) {
  HVR_ASSIGN_OR_RETURN(const uint64_t current, Size());
  if (size <= current) return Ok();
  FILE_ALLOCATION_INFO allocation{};
  allocation.AllocationSize.QuadPart = static_cast<LONGLONG>(size);
  if (!::SetFileInformationByHandle(Handle(handle_), FileAllocationInfo, &allocation, sizeof(allocation))) {
    const DWORD error = ::GetLastError();
    if (!Unsupported(error)) {
      return NativeError(static_cast<int>(error), "allocate " + std::to_string(size) + " bytes for " + path_);
    }
  }
  return Truncate(size);
}

Status File::PunchHole(uint64_t offset, uint64_t length) {
  if (length == 0) return Ok();
  FILE_ZERO_DATA_INFORMATION range{};
  range.FileOffset.QuadPart = static_cast<LONGLONG>(offset);
  range.BeyondFinalZero.QuadPart = static_cast<LONGLONG>(offset + length);
  DWORD ignored = 0;
  if (::DeviceIoControl(Handle(handle_), FSCTL_SET_ZERO_DATA, &range, sizeof(range), nullptr, 0, &ignored,
                        nullptr)) {
    return Ok();
  }
  const DWORD error = ::GetLastError();
  if (Unsupported(error)) return WriteZeros(offset, length);
  return NativeError(static_cast<int>(error), "punch hole in " + path_ + " at offset " + std::to_string(offset));
}

Result<uint64_t> File::Size() const {
  LARGE_INTEGER size{};
  if (!::GetFileSizeEx(Handle(handle_), &size)) return LastSystemError("size of " + path_);
  return static_cast<uint64_t>(size.QuadPart);
}

Result<TimePoint> File::ModifiedTime() const {
  FILETIME written{};
  if (!::GetFileTime(Handle(handle_), nullptr, nullptr, &written)) return LastSystemError("times of " + path_);
  return TimeFrom1601((static_cast<int64_t>(written.dwHighDateTime) << 32) | written.dwLowDateTime);
}

Result<TimePoint> File::ChangeTime() const {
  FILE_BASIC_INFO info{};
  if (!::GetFileInformationByHandleEx(Handle(handle_), FileBasicInfo, &info, sizeof info)) {
    return LastSystemError("times of " + path_);
  }
  return TimeFrom1601(info.ChangeTime.QuadPart);
}

Result<FileIdentity> File::Identity() const {
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(Handle(handle_), &info)) return LastSystemError("identify " + path_);
  return FileIdentity{info.dwVolumeSerialNumber,
                      (static_cast<uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow};
}

Result<std::vector<std::pair<uint64_t, uint64_t>>> File::DataRanges(uint64_t offset, uint64_t end) const {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  if (offset >= end) return ranges;
  FILE_ALLOCATED_RANGE_BUFFER query{};
  query.FileOffset.QuadPart = static_cast<LONGLONG>(offset);
  query.Length.QuadPart = static_cast<LONGLONG>(end - offset);
  std::vector<FILE_ALLOCATED_RANGE_BUFFER> found(64);
  for (;;) {
    DWORD bytes = 0;
    const BOOL ok = ::DeviceIoControl(Handle(handle_), FSCTL_QUERY_ALLOCATED_RANGES, &query, sizeof(query),
                                      found.data(), static_cast<DWORD>(found.size() * sizeof(found[0])), &bytes,
                                      nullptr);
    const DWORD error = ok ? ERROR_SUCCESS : ::GetLastError();
    if (!ok && error != ERROR_MORE_DATA) {
      // A file system that cannot tell: all of it is data, as with no SEEK_DATA.
      if (Unsupported(error)) return std::vector<std::pair<uint64_t, uint64_t>>{{offset, end - offset}};
      return NativeError(static_cast<int>(error), "query allocated ranges of " + path_);
    }
    const size_t count = bytes / sizeof(found[0]);
    for (size_t i = 0; i < count; ++i) {
      const uint64_t start = std::max<uint64_t>(static_cast<uint64_t>(found[i].FileOffset.QuadPart), offset);
      const uint64_t stop = std::min<uint64_t>(
          static_cast<uint64_t>(found[i].FileOffset.QuadPart + found[i].Length.QuadPart), end);
      if (start < stop) ranges.emplace_back(start, stop - start);
    }
    if (ok || count == 0) break;
    // More ranges than fit: ask again from where the last one ended.
    const uint64_t next = static_cast<uint64_t>(found[count - 1].FileOffset.QuadPart +
                                                found[count - 1].Length.QuadPart);
    if (next >= end) break;
    query.FileOffset.QuadPart = static_cast<LONGLONG>(next);
    query.Length.QuadPart = static_cast<LONGLONG>(end - next);
  }
  return ranges;
}

}  // namespace hvr
