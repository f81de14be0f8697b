// Builds dynamic and differencing VHD files from the format's own structures, for tests:
// hvr creates only the fixed VHDs Azure needs, and qemu cannot make differencing VHDs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hvr/guid.hpp"

namespace hvr::testing {

struct VhdBuildOptions {
  uint64_t virtual_size = 0;  // a multiple of 512
  uint32_t block_size = 2u << 20;
  // Set to make a differencing disk over this VHD. The child records the parent's unique
  // id and footer time stamp unless overridden, and W2ru (relative) and W2ku (absolute)
  // locators as chosen.
  std::optional<std::string> parent_path = std::nullopt;
  bool relative_locator = true;
  bool absolute_locator = true;
  std::optional<Guid> parent_unique_id = std::nullopt;
  std::optional<uint32_t> parent_timestamp = std::nullopt;
};

// Writes an empty dynamic (or differencing) VHD: every BAT entry unused. Fails the
// current test on error.
void BuildDynamicVhd(const std::string& path, const VhdBuildOptions& options);

}  // namespace hvr::testing
