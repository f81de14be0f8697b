// A temporary folder for one test, removed with everything in it when the test ends
// (unless HVR_KEEP_TEMP=1).
#pragma once

#include <filesystem>
#include <string>

namespace hvr {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The permission bits of a file or folder (0600...), for tests of who may read what hvr
// writes; 0 when it cannot be read.
unsigned PermissionsOf(const std::string& path);

}  // namespace hvr
