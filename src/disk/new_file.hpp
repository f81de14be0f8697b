// A file being created: built under a temporary name beside its final path, then
// published by a rename that does not replace an existing file (unless asked to). A crash
// or an error leaves no half-made image under the final name; the destructor removes the
// temporary file if it was never published.
#pragma once

#include <string>

#include "hvr/disk.hpp"
#include "hvr/error.hpp"
#include "util/file.hpp"

namespace hvr {

class NewFile {
 public:
  // An image of `format` at `path`: kConflict when `path` exists and `overwrite` is
  // false, kInvalidArgument when its name claims another format (CheckNameClaims).
  static Result<NewFile> Create(const std::string& path, DiskFormat format, bool overwrite = false);

  NewFile(NewFile&& other) noexcept;
  NewFile& operator=(NewFile&&) = delete;
  ~NewFile();

  File& file() { return file_; }
  const std::string& temp_path() const { return temp_path_; }
  const std::string& path() const { return path_; }

  // Syncs the file (when `sync`), renames it to the final path and syncs the folder.
  Status Publish(bool sync = true);

 private:
  NewFile(File file, std::string path, std::string temp_path, bool overwrite)
      : file_(std::move(file)), path_(std::move(path)), temp_path_(std::move(temp_path)), overwrite_(overwrite) {}
  File file_;
  std::string path_;
  std::string temp_path_;
  bool overwrite_ = false;
  bool published_ = false;
};

}  // namespace hvr
