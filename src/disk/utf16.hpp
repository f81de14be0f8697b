// UTF-16 strings as the disk formats store them: VHDX parent locators (little-endian),
// VHD parent names (big-endian) and VHD platform locators (little-endian). Conversion is
// Boost.Locale's header-only utf_to_utf; malformed sequences are dropped, never thrown.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hvr {

std::string Utf16LeToUtf8(std::span<const uint8_t> bytes);
std::string Utf16BeToUtf8(std::span<const uint8_t> bytes);
std::vector<uint8_t> Utf8ToUtf16Le(std::string_view text);
std::vector<uint8_t> Utf8ToUtf16Be(std::string_view text);

}  // namespace hvr
