// Helpers for tests that check disk images against plain byte arrays: whole files and
// disks as bytes, patterns, where two contents differ. Shared by the disk, session and
// failover tests; qemu-img is in qemu_tools.hpp. Every
// helper fails the calling test with a clear message (gtest assertions) rather than
// returning codes the caller could forget.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hvr/disk.hpp"

namespace hvr::testing {

// Whole files and whole disks as bytes.
std::vector<uint8_t> ReadFileBytes(const std::string& path);
void WriteFileBytes(const std::string& path, const std::vector<uint8_t>& bytes);
std::vector<uint8_t> ReadWholeDisk(const DiskReader& disk);

// The virtual content of an image opened with OpenDisk (fails the test if it cannot).
std::vector<uint8_t> ReadImage(const std::string& path);
// Opens an image for writing, writes `data` at `offset`, closes it, and applies the same
// write to `model` (the expected content) when given.
void WriteImage(const std::string& path, uint64_t offset, const std::vector<uint8_t>& data,
                std::vector<uint8_t>* model = nullptr);

// A deterministic non-zero pattern (seeded), for test data.
std::vector<uint8_t> PatternBytes(size_t size, uint32_t seed);

// Where two byte arrays first differ, for messages ("equal" if they do not).
std::string FirstDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);

// True when every non-zero byte of `content` lies inside `ranges`.
bool RangesCoverNonZero(const std::vector<ByteRange>& ranges, const std::vector<uint8_t>& content);

}  // namespace hvr::testing
