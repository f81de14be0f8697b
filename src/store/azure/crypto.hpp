// The few cryptographic pieces Azure needs, all from OpenSSL: base64, HMAC-SHA256
// (Shared Key and SAS signatures), MD5 (the Content-MD5 of ranges read), SHA-256 (the hash of
// a customer-provided key), and base64url and SHA-1 (the JWT client assertion of Entra
// ID and its certificate thumbprint).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hvr::azure {

std::string Base64Encode(std::span<const uint8_t> bytes);
// nullopt unless `text` is canonical base64 (padding included).
std::optional<std::vector<uint8_t>> Base64Decode(std::string_view text);
// The URL-safe alphabet without padding (RFC 4648 section 5), as JWTs use it.
std::string Base64UrlEncode(std::span<const uint8_t> bytes);

std::array<uint8_t, 32> HmacSha256(std::span<const uint8_t> key, std::string_view message);
std::array<uint8_t, 16> Md5(std::span<const uint8_t> bytes);
std::array<uint8_t, 32> Sha256(std::span<const uint8_t> bytes);
// Only for certificate thumbprints, which Entra ID names by their SHA-1.
std::array<uint8_t, 20> Sha1(std::span<const uint8_t> bytes);

}  // namespace hvr::azure
