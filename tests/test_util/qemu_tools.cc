#include "test_util/qemu_tools.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "test_util/disk_tools.hpp"

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

void QemuWrite(const std::string& path, const std::string& format, uint64_t offset, uint64_t length,
               uint8_t pattern) {
  RunOrFail({"qemu-io", "-f", format, "-c",
             "write -q -P " + std::to_string(pattern) + " " + std::to_string(offset) + " " + std::to_string(length),
             path});
}

std::vector<uint8_t> QemuReadAll(const std::string& path, const std::string& format, const std::string& scratch_raw) {
  std::filesystem::remove(scratch_raw);
  RunOrFail({"qemu-img", "convert", "-f", format, "-O", "raw", path, scratch_raw});
  return ReadFileBytes(scratch_raw);
}

bool QemuSameContent(const std::string& image, const std::string& format, const std::string& raw) {
  const CommandResult r = RunCommand({"qemu-img", "compare", "-q", "-f", format, "-F", "raw", image, raw});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "qemu-img compare failed:\n" << r.output;
  return r.exit_code == 0;
}

uint64_t QemuVirtualSize(const std::string& image, const std::string& format) {
  const std::string out = RunOrFail({"qemu-img", "info", "-f", format, "--output=json", image});
  const std::string key = "\"virtual-size\": ";
  const size_t at = out.find(key);
  EXPECT_NE(at, std::string::npos) << out;
  if (at == std::string::npos) return 0;
  return std::stoull(out.substr(at + key.size()));
}

VhdiInfo RunVhdiinfo(const std::string& image) {
  VhdiInfo info;
  const std::string out = RunOrFail({"vhdiinfo", image});
  std::istringstream lines(out);
  std::string line;
  const auto value = [](const std::string& l) {
    std::string v = l.substr(l.find(':') + 1);
    v.erase(0, v.find_first_not_of(" \t"));
    return v;
  };
  while (std::getline(lines, line)) {
    if (line.find("Media size") != std::string::npos) {
      const size_t open = line.find('(');
      if (open != std::string::npos) info.media_size = std::stoull(line.substr(open + 1));
    } else if (line.find("Disk type") != std::string::npos) {
      info.disk_type = value(line);
    } else if (line.find("Parent identifier") != std::string::npos) {
      info.parent_identifier = value(line);
    }
  }
  return info;
}

VhdiMount::VhdiMount(const std::string& image, const std::string& mount_point) : mount_point_(mount_point) {
  if (::geteuid() != 0 || ::access("/dev/fuse", R_OK | W_OK) != 0 || !HaveTool("vhdimount")) return;
  std::filesystem::create_directories(mount_point);
  if (RunCommand({"vhdimount", image, mount_point}).exit_code != 0) return;
  // The FUSE daemon serves the mount point once it has started.
  for (int i = 0; i < 100 && !mounted_; ++i) {
    mounted_ = std::filesystem::exists(mount_point + "/vhdi1");
    if (!mounted_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

VhdiMount::~VhdiMount() {
  if (mounted_) RunCommand({"umount", mount_point_});
}

int VhdiMount::layers() const {
  int n = 0;
  while (std::filesystem::exists(mount_point_ + "/vhdi" + std::to_string(n + 1))) ++n;
  return n;
}

std::vector<uint8_t> VhdiMount::ReadLayer(int n) const { return ReadFileBytes(mount_point_ + "/vhdi" + std::to_string(n)); }

}  // namespace hvr::testing
