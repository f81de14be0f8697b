// The file a fuzz target writes its input to when the parser under test reads a path (HRL
// logs, disk images, undo logs): one per process, emptied for each input, removed at exit.
// On every platform through hvr's own File, so that the corpora replay on Windows as on
// Linux.
//
// It lives in /dev/shm where there is one: a parser may sync the file (a torn undo log is
// repaired with an fsync), and on a busy disk one fsync can outlast libFuzzer's per-input
// timeout. Elsewhere (Windows) it is in the system's temporary folder.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "hvr/guid.hpp"
#include "platform/file.hpp"
#include "platform/file_system.hpp"
#include "util/path.hpp"

namespace hvr::fuzz {

class ScratchFile {
 public:
  // `name` tells the fuzzers' files apart; a random part, the processes of a parallel run.
  explicit ScratchFile(std::string_view name) {
    std::error_code ec;
    const std::string folder = std::filesystem::is_directory("/dev/shm", ec)
                                   ? std::string("/dev/shm")
                                   : Utf8(std::filesystem::temp_directory_path());
    path_ = folder + "/hvr-fuzz-" + std::string(name) + "-" + Guid::Random().ToString().substr(0, 8);
  }
  ~ScratchFile() { (void)RemoveFileIfExists(path_); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::string& path() const { return path_; }

  // The file, emptied and open for writing; the caller closes it (lets it go) before the
  // parser opens the path.
  Result<File> Empty() const { return File::Open(path_, File::Mode::kCreateOrTruncate); }

  // Makes `bytes` the whole content; false when the file could not be written.
  bool Assign(std::span<const uint8_t> bytes) const {
    auto file = Empty();
    return file.ok() && file->WriteAt(0, bytes).ok();
  }

 private:
  std::string path_;
};

}  // namespace hvr::fuzz
