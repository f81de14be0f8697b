// A file opened for positional I/O (pread/pwrite), with errors that name the file and the
// offset, and errno mapped to hvr codes (ENOSPC is low disk space, ENOENT not found...).
// ReadAt and WriteAt are safe to call from several threads at once.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hvr/error.hpp"

namespace hvr {

// The hvr error for an errno value, with "what: strerror" as the message.
Error ErrnoError(int err, std::string_view what);

// Who may read a file hvr writes. A file that may hold a secret (a target string with an
// account key or a SAS token, a proxy password) is its owner's alone, whatever the umask.
enum class FileAccess {
  kShared,     // 0644 less the umask
  kOwnerOnly,  // 0600
};

class File {
 public:
  enum class Mode {
    kRead,              // existing file, read only
    kReadWrite,         // existing file
    kCreateExclusive,   // new file; fails if it exists
    kCreateOrTruncate,  // new or emptied file
  };

  // With kOwnerOnly, a file that exists already is made owner-only too (O_TRUNC keeps
  // the mode a file had).
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
  Status Sync();       // fdatasync
  Status Truncate(uint64_t size);
  // Deallocates a range (stays readable as zeros); a no-op where the file system cannot.
  Status PunchHole(uint64_t offset, uint64_t length);
  Result<uint64_t> Size() const;
  // Data ranges of a sparse file (SEEK_DATA/SEEK_HOLE), each as {offset, length}.
  Result<std::vector<std::pair<uint64_t, uint64_t>>> DataRanges() const;

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }

 private:
  File(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

// Reads a whole (small) file.
Result<std::string> ReadWholeFile(const std::string& path);

// Replaces `path` with `content` so that a crash leaves either the old or the new file,
// never a mix: write to a temporary beside it, fsync, rename, fsync the folder.
Status WriteFileAtomically(const std::string& path, std::string_view content,
                           FileAccess access = FileAccess::kShared);
// The same with the content given in pieces, written one after another, so a large
// table needs no copy into one string.
Status WriteFileAtomically(const std::string& path, std::span<const std::string_view> pieces,
                           FileAccess access = FileAccess::kShared);

// fsyncs a folder, making renames and creations in it durable.
Status SyncDirectory(const std::string& path);

}  // namespace hvr
