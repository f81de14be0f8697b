#include "test_util/disk_tools.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "util/zero.hpp"
#include "hvr/disk_writer.hpp"

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

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::vector<uint8_t> bytes(static_cast<size_t>(std::max<std::streamoff>(0, in.tellg())));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

void WriteFileBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

std::vector<uint8_t> ReadWholeDisk(const DiskReader& disk) {
  std::vector<uint8_t> bytes(static_cast<size_t>(disk.info().virtual_size));
  const Status s = disk.Read(0, bytes);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return bytes;
}

std::vector<uint8_t> ReadImage(const std::string& path) {
  auto disk = OpenDisk(path);
  EXPECT_TRUE(disk.ok()) << disk.error().ToString();
  return disk.ok() ? ReadWholeDisk(**disk) : std::vector<uint8_t>();
}

void WriteImage(const std::string& path, uint64_t offset, const std::vector<uint8_t>& data,
                std::vector<uint8_t>* model) {
  auto writer = OpenDiskForWrite(path);
  ASSERT_TRUE(writer.ok()) << writer.error().ToString();
  const Status written = (*writer)->Write(offset, data);
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  const Status closed = (*writer)->Close();
  ASSERT_TRUE(closed.ok()) << closed.error().ToString();
  if (model != nullptr) std::memcpy(model->data() + offset, data.data(), data.size());
}

std::vector<uint8_t> PatternBytes(size_t size, uint32_t seed) {
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i < size; i += 8) {
    // splitmix64: cheap, well mixed, and deterministic everywhere.
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    const uint64_t v = (z ^ (z >> 31)) | 0x0101010101010101ull;  // never a zero byte
    std::memcpy(out.data() + i, &v, std::min<size_t>(8, size - i));
  }
  return out;
}

std::string FirstDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size()) return "sizes differ: " + std::to_string(a.size()) + " and " + std::to_string(b.size());
  if (a == b) return "equal";
  const auto [x, y] = std::mismatch(a.begin(), a.end(), b.begin());
  return "first difference at byte " + std::to_string(x - a.begin()) + ": " + std::to_string(*x) + " vs " +
         std::to_string(*y);
}

bool RangesCoverNonZero(const std::vector<ByteRange>& ranges, const std::vector<uint8_t>& content) {
  const auto zero = [&](uint64_t from, uint64_t to) {
    to = std::min<uint64_t>(to, content.size());
    return from >= to || IsAllZero(std::span(content.data() + from, static_cast<size_t>(to - from)));
  };
  uint64_t pos = 0;
  for (const ByteRange& r : ranges) {
    if (!zero(pos, r.offset)) return false;
    pos = std::max(pos, r.end());
  }
  return zero(pos, content.size());
}

}  // namespace hvr::testing
