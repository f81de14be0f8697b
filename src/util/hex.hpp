// Hexadecimal renderings for error messages ("expected 0x1a2b3c4d, found 0x00000000").
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace hvr {

std::string Hex32(uint32_t value);  // "0x0000abcd"
std::string Hex64(uint64_t value);  // "0x000000000000abcd"
std::string HexBytes(std::span<const uint8_t> bytes);  // "636f6e", no prefix

}  // namespace hvr
