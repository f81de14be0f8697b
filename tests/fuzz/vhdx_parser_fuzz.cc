// Fuzzes VHDX parsing, log replay (in memory and into the file) and writing.
#include "disk_fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hvr::fuzz::Run(data, size, hvr::DiskFormat::kVhdx);
  return 0;
}
