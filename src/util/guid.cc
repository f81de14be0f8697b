#include "hvr/guid.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>

namespace hvr {
namespace {

// Position in `bytes` of each textual byte: Data1..3 are little-endian on disk.
constexpr std::array<int, 16> kTextOrder = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool Guid::IsZero() const {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

std::string Guid::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    const uint8_t b = bytes[static_cast<size_t>(kTextOrder[i])];
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Result<Guid> Guid::Parse(std::string_view text) {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}') {
    text = text.substr(1, 36);
  }
  const auto bad = [&] {
    return Error(Code::kInvalidArgument, "not a GUID: '" + std::string(text) + "'");
  };
  if (text.size() != 36) return bad();
  Guid guid;
  size_t pos = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      if (text[pos] != '-') return bad();
      ++pos;
    }
    const int hi = HexValue(text[pos]);
    const int lo = HexValue(text[pos + 1]);
    if (hi < 0 || lo < 0) return bad();
    guid.bytes[static_cast<size_t>(kTextOrder[i])] = static_cast<uint8_t>(hi * 16 + lo);
    pos += 2;
  }
  return guid;
}

Guid Guid::Random() {
  Guid guid;
  if (RAND_bytes(guid.bytes.data(), static_cast<int>(guid.bytes.size())) != 1) {
    // OpenSSL's generator failing means the process cannot make identities safely.
    throw std::runtime_error("RAND_bytes failed");
  }
  guid.bytes[7] = static_cast<uint8_t>((guid.bytes[7] & 0x0f) | 0x40);  // version 4 (Data3 high nibble)
  guid.bytes[8] = static_cast<uint8_t>((guid.bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return guid;
}

}  // namespace hvr
