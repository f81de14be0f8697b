// A file opened for positional I/O, with errors that name the file and the offset and the
// system's errors mapped to hvr codes (platform/system_error.hpp). ReadAt and WriteAt are
// safe to call from several threads at once.
//
// Paths are UTF-8 on every platform. On Windows they become UTF-16 at this boundary, and
// absolute paths take the \\?\ prefix so that paths longer than MAX_PATH work.
//
// Every file is opened so that others may read, write, rename and delete it meanwhile, as
// POSIX allows: Hyper-V keeps the disks and replica logs it writes open, and hvr must read
// them without ever locking the hypervisor out.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "platform/system_error.hpp"

namespace hvr {

// What tells two paths apart as files: (device, inode) on POSIX, (volume serial number,
// file index) on Windows. Equal identities are the same file, whatever the paths.
struct FileIdentity {
  uint64_t volume = 0;
  uint64_t file = 0;
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

// Who may read a file hvr writes. A file that may hold a secret (a target string with an
// account key or a SAS token, a proxy password) is its owner's alone, whatever the umask.
enum class FileAccess {
  kShared,     // 0644 less the umask; on Windows, what the folder's access list gives
  kOwnerOnly,  // 0600; on Windows, a protected access list for the owner and SYSTEM
};

class File {
 public:
  enum class Mode {
    kRead,              // existing file, read only
    kReadWrite,         // existing file
    kCreateExclusive,   // new file; fails if it exists
    kCreateOrTruncate,  // new or emptied file
    kOpenOrCreate,      // existing file kept as it is, or a new one
  };
  // A file descriptor on POSIX, a HANDLE on Windows.
  using NativeHandle = std::intptr_t;

  // Files created here are sparse where the file system has to be told (Windows): the
  // ranges never written cost no space, as on POSIX. With kOwnerOnly, a file opened for
  // writing that exists already is made owner-only too (truncating keeps the mode, or the
  // access list, a file had).
  static Result<File> Open(const std::string& path, Mode mode, FileAccess access = FileAccess::kShared);

  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File();

  // Reads exactly out.size() bytes; a file that ends first is kCorruptData ("unexpected
  // end of file"), since every caller reads structures the file claims to hold.
  Status ReadAt(uint64_t offset, std::span<uint8_t> out) const;
  // Reads up to out.size() bytes; returns how many (0 at end of file).
  Result<size_t> ReadSomeAt(uint64_t offset, std::span<uint8_t> out) const;
  Status WriteAt(uint64_t offset, std::span<const uint8_t> data);
  // Makes the data written so far durable (fdatasync; FlushFileBuffers on Windows).
  Status Sync();
  // Makes the data and every attribute durable (fsync; FlushFileBuffers on Windows).
  Status SyncAll();
  Status Truncate(uint64_t size);
  // Grows the file to `size` with its space reserved on disk where the file system can,
  // else sparsely.
  Status Reserve(uint64_t size);
  // Deallocates a range (stays readable as zeros); where the file system cannot, writes
  // zeros so the content is still what the caller asked for.
  Status PunchHole(uint64_t offset, uint64_t length);
  Result<uint64_t> Size() const;
  Result<TimePoint> ModifiedTime() const;
  // When the content or an attribute last changed, stamped by the system on every change
  // and never set back by a caller (ctime on POSIX, ChangeTime on Windows).
  Result<TimePoint> ChangeTime() const;
  Result<FileIdentity> Identity() const;
  // The ranges of [offset, end) that hold data in a sparse file, each as {offset, length}
  // (SEEK_DATA/SEEK_HOLE; FSCTL_QUERY_ALLOCATED_RANGES on Windows). Where the file system
  // cannot tell, all of [offset, end) is data.
  Result<std::vector<std::pair<uint64_t, uint64_t>>> DataRanges(uint64_t offset, uint64_t end) const;
  // The same over the whole file.
  Result<std::vector<std::pair<uint64_t, uint64_t>>> DataRanges() const;

  const std::string& path() const { return path_; }
  NativeHandle native_handle() const { return handle_; }

 private:
  File(NativeHandle handle, std::string path) : handle_(handle), path_(std::move(path)) {}
  void Close();
  // What PunchHole does where the file system keeps no holes.
  Status WriteZeros(uint64_t offset, uint64_t length);

  NativeHandle handle_;
  std::string path_;
};

}  // namespace hvr
