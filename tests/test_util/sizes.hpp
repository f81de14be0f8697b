// Sizes the tests give their disks, chunks and limits in, defined once for every test: a
// test program compiles its sources together in batches (tests/CMakeLists.txt), where the
// same constant defined in two of them would be defined twice.
#pragma once

#include <cstdint>

namespace hvr::test {

inline constexpr uint32_t k4K = 4096;
inline constexpr uint32_t k64K = 64 * 1024;
inline constexpr uint64_t kMiB = 1 << 20;

}  // namespace hvr::test
