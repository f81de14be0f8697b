// Helpers for tests that make or check disk images with qemu-img, run as a child process.
// Every helper fails the calling test with a clear message (gtest assertions). The disk
// component's own comparison with qemu and libvhdi runs them natively around its test
// program instead (tests/integration/qemu_images.sh), so that it also runs under Wine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "test_util/command.hpp"

namespace hvr::testing {

// qemu-img create, with the format given explicitly ("vhdx", "vpc", "raw").
void QemuCreate(const std::string& path, const std::string& format, uint64_t size,
                const std::vector<std::string>& options = {});
// qemu-img compare of an image with a raw file: true when equal.
bool QemuSameContent(const std::string& image, const std::string& format, const std::string& raw);

}  // namespace hvr::testing
