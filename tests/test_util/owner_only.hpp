// Whether what hvr keeps from others (the state directory, files that may hold a secret)
// is its owner's alone, checked as each system keeps it: the mode on POSIX (0700 for a
// folder, 0600 for a file), the access list on Windows (full control for the current user
// and SYSTEM, nobody else, nothing inherited from the parent folder).
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace hvr {

// Why this system keeps no such protection that a test could see, or empty where it
// does: Wine accepts access lists but keeps none on files (docs/windows.md).
std::string OwnerOnlyNotKept();

// Whether `path`, a file or a folder, is its owner's alone; the failure says who else may
// open it.
::testing::AssertionResult IsOwnerOnly(const std::string& path);

// Lets everyone read `path`, as an older version left its files: mode 0644 on POSIX, an
// access list that grants Everyone reading (and takes the parent's) on Windows.
::testing::AssertionResult LetEveryoneRead(const std::string& path);

// While one lives, what is created without a mode of its own is readable by others:
// umask 022 on POSIX, so that a test proves hvr restricts its files whatever the process's
// umask. Windows has no umask: a new file takes the access list its folder passes on.
class CreatedFilesReadableByOthers {
 public:
  CreatedFilesReadableByOthers();
  ~CreatedFilesReadableByOthers();
  CreatedFilesReadableByOthers(const CreatedFilesReadableByOthers&) = delete;
  CreatedFilesReadableByOthers& operator=(const CreatedFilesReadableByOthers&) = delete;

 private:
  unsigned saved_ = 0;  // the umask before, on POSIX
};

}  // namespace hvr
