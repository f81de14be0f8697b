// UTF-8 paths and text as the UTF-16 the Windows API takes, and back. Internal to
// platform/windows/.
#pragma once

#include <string>
#include <string_view>

#include "hvr/error.hpp"

namespace hvr {

std::wstring Utf16(std::string_view utf8);
std::string Utf8FromUtf16(std::wstring_view utf16);

// `path` (UTF-8, '/' or '\' separated, relative or absolute) as an absolute UTF-16 path
// with the \\?\ prefix (\\?\UNC\ for \\server\share), so that it may be longer than
// MAX_PATH. Such paths bypass Windows' own normalization, so it is done here.
Result<std::wstring> LongPath(const std::string& path);

}  // namespace hvr
