// Fuzzes VHD parsing (footer, dynamic header, BAT, bitmaps, parent locators) and writing.
#include "disk_fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hvr::fuzz::Run(data, size, hvr::DiskFormat::kVhd);
  return 0;
}
