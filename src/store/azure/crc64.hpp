// CRC-64/NVME, the checksum Azure Storage uses for transactional integrity
// (x-ms-content-crc64, which hvr sends with every Put Page):
// reflected polynomial 0x9A6C9329AC4BC9B5, initial value and final XOR all ones, sent as its
// eight bytes in little-endian order, base64-encoded. hvr sends it instead of Content-MD5
// because it costs a fraction of MD5's CPU per byte (docs/transport.md, "Transactional
// checksums").
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace hvr::azure {

uint64_t Crc64(std::span<const uint8_t> data);

// The value of an x-ms-content-crc64 header for `data`.
std::string Crc64Header(std::span<const uint8_t> data);

}  // namespace hvr::azure
