#include "test_util/qemu_tools.hpp"

#include <gtest/gtest.h>

namespace hvr::testing {

void QemuCreate(const std::string& path, const std::string& format, uint64_t size,
                const std::vector<std::string>& options) {
  std::vector<std::string> argv = {"qemu-img", "create", "-q", "-f", format};
  for (const std::string& o : options) {
    argv.push_back("-o");
    argv.push_back(o);
  }
  argv.push_back(path);
  argv.push_back(std::to_string(size));
  RunOrFail(argv);
}

bool QemuSameContent(const std::string& image, const std::string& format, const std::string& raw) {
  const CommandResult r = RunCommand({"qemu-img", "compare", "-q", "-f", format, "-F", "raw", image, raw});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "qemu-img compare failed:\n" << r.output;
  return r.exit_code == 0;
}

}  // namespace hvr::testing
