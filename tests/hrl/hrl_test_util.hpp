// Helpers for the HRL tests: writing logs from a list of writes, patching bytes of a
// file, and a byte-array model of a disk to check replayed writes against.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hvr/hrl.hpp"
#include "hvr/hrl_writer.hpp"

namespace hvr::test {

struct Write {
  uint64_t offset = 0;
  std::vector<uint8_t> data;
};

// `length` bytes that differ from write to write (seeded).
std::vector<uint8_t> Pattern(size_t length, uint32_t seed);

// Random writes (sector-aligned or not) within `disk_size`.
std::vector<Write> RandomWrites(size_t count, uint64_t disk_size, size_t max_length, uint32_t seed,
                                bool aligned = true);

// Writes and closes a log holding `writes`, in order; returns its header.
HrlHeader WriteLog(const std::string& path, const std::vector<Write>& writes,
                   HrlWriterOptions options = {});

// Every entry of a log with its data, read back with a buffer of `chunk` bytes.
std::vector<Write> ReadAllWrites(const std::string& path, uint64_t disk_size, size_t chunk = 4096);

// Applies writes in order to a byte array.
void ApplyWrites(std::vector<uint8_t>& disk, const std::vector<Write>& writes);

// A fixed location for the decoders' messages.
inline std::function<std::string()> At(std::string where) {
  return [where] { return where; };
}

std::vector<uint8_t> ReadFileBytes(const std::string& path);
void PatchFile(const std::string& path, uint64_t offset, const std::vector<uint8_t>& bytes);

}  // namespace hvr::test
