// A temporary folder for one test, removed with everything in it when the test ends
// (unless HVR_KEEP_TEMP=1). Its paths are in the system's native form, as hvr hands paths
// back, so that tests can compare them: C:\Users\x\Temp\hvr-test-1234abcd\a.vhdx on Windows.
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
  // `name` (which may hold folders, "a/b") inside the folder.
  std::string File(const std::string& name) const;

 private:
  std::string path_;
};

// The permission bits of a file or folder (0600...), for tests of who may read what hvr
// writes; 0 when it cannot be read.
unsigned PermissionsOf(const std::string& path);

}  // namespace hvr
