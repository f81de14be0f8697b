#include <sys/stat.h>

#include "test_util/owner_only.hpp"

namespace hvr {

std::string OwnerOnlyNotKept() { return {}; }

::testing::AssertionResult IsOwnerOnly(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ::testing::AssertionFailure() << path << " cannot be read";
  const unsigned expected = S_ISDIR(st.st_mode) ? 0700u : 0600u;
  const unsigned mode = st.st_mode & 07777;
  if (mode == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << path << " has mode 0" << std::oct << mode << ", not 0" << expected;
}

::testing::AssertionResult LetEveryoneRead(const std::string& path) {
  if (::chmod(path.c_str(), 0644) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "chmod 0644 " << path << " failed";
}

CreatedFilesReadableByOthers::CreatedFilesReadableByOthers() : saved_(::umask(022)) {}

CreatedFilesReadableByOthers::~CreatedFilesReadableByOthers() { ::umask(static_cast<mode_t>(saved_)); }

}  // namespace hvr
