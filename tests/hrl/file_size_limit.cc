// FileSizeLimit (hrl_test_util.hpp) with POSIX resource limits; the Windows build has no
// RLIMIT_FSIZE, and leaves out the tests that need it (tests/hrl/CMakeLists.txt).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>

#include "hrl/hrl_test_util.hpp"

namespace hvr::test {

FileSizeLimit::FileSizeLimit(uint64_t bytes) {
  struct rlimit limit {};
  EXPECT_EQ(getrlimit(RLIMIT_FSIZE, &limit), 0);
  old_limit_ = limit.rlim_cur;
  old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
  limit.rlim_cur = bytes;
  EXPECT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
}

FileSizeLimit::~FileSizeLimit() {
  struct rlimit limit {};
  getrlimit(RLIMIT_FSIZE, &limit);
  limit.rlim_cur = old_limit_;
  setrlimit(RLIMIT_FSIZE, &limit);
  std::signal(SIGXFSZ, old_handler_);
}

}  // namespace hvr::test
