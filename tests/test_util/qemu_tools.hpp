// Helpers for tests that check disk images against independent tools run as child
// processes: qemu-img and qemu-io, vhdiinfo and vhdimount (libvhdi). Every helper fails
// the calling test with a clear message (gtest assertions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "test_util/command.hpp"

namespace hvr::testing {

// qemu-img and qemu-io, with the format given explicitly ("vhdx", "vpc", "raw").
void QemuCreate(const std::string& path, const std::string& format, uint64_t size,
                const std::vector<std::string>& options = {});
// Writes `length` bytes of `pattern` at `offset` with qemu-io.
void QemuWrite(const std::string& path, const std::string& format, uint64_t offset, uint64_t length,
               uint8_t pattern);
// Converts to a raw file with qemu-img convert and returns its bytes.
std::vector<uint8_t> QemuReadAll(const std::string& path, const std::string& format,
                                 const std::string& scratch_raw);
// qemu-img compare of an image with a raw file: true when equal.
bool QemuSameContent(const std::string& image, const std::string& format, const std::string& raw);
// The virtual size qemu-img info reports.
uint64_t QemuVirtualSize(const std::string& image, const std::string& format);

// vhdiinfo's "Media size" in bytes and "Disk type" line ("Dynamic", "Fixed",
// "Differential").
struct VhdiInfo {
  uint64_t media_size = 0;
  std::string disk_type;
  std::string parent_identifier;
};
VhdiInfo RunVhdiinfo(const std::string& image);

// A libvhdi FUSE mount of an image (vhdimount), unmounted on destruction. `available()`
// is false where FUSE mounts are not possible (no /dev/fuse, not root): callers skip.
class VhdiMount {
 public:
  VhdiMount(const std::string& image, const std::string& mount_point);
  ~VhdiMount();
  bool available() const { return mounted_; }
  // The bytes of the n-th image of the chain as vhdimount shows it (1: the root parent,
  // the last one: the image itself).
  std::vector<uint8_t> ReadLayer(int n) const;
  int layers() const;

 private:
  std::string mount_point_;
  bool mounted_ = false;
};

}  // namespace hvr::testing
