// Listing what a folder holds, by name.
#pragma once

#include <string>
#include <vector>

#include "hvr/error.hpp"

namespace hvr {

// The names of what the folder at `path` (UTF-8) holds, files and folders alike, in no
// particular order; an error naming the folder when it cannot be listed.
Result<std::vector<std::string>> ListDirectory(const std::string& path);

}  // namespace hvr
