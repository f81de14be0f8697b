#include "store/azure/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace hvr::azure {
namespace {

std::array<uint8_t, 32> Hmac(std::span<const uint8_t> key, const uint8_t* data, size_t size) {
  std::array<uint8_t, 32> out{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data, size, out.data(),
           &length) == nullptr ||
      length != out.size()) {
    throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
  }
  return out;
}

template <size_t N>
std::array<uint8_t, N> Digest(const EVP_MD* md, std::span<const uint8_t> bytes) {
  std::array<uint8_t, N> out{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &length, md, nullptr) != 1 ||
      length != N) {
    throw std::runtime_error("OpenSSL digest failed");
  }
  return out;
}

}  // namespace

std::string Base64Encode(std::span<const uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Base64UrlEncode(std::span<const uint8_t> bytes) {
  std::string out = Base64Encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::vector<uint8_t>> Base64Decode(std::string_view text) {
  if (text.empty()) return std::vector<uint8_t>();
  if (text.size() % 4 != 0) return std::nullopt;
  std::vector<uint8_t> out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes: take them off again.
  size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::array<uint8_t, 32> HmacSha256(std::span<const uint8_t> key, std::string_view message) {
  return Hmac(key, reinterpret_cast<const uint8_t*>(message.data()), message.size());
}

std::array<uint8_t, 16> Md5(std::span<const uint8_t> bytes) { return Digest<16>(EVP_md5(), bytes); }

std::array<uint8_t, 32> Sha256(std::span<const uint8_t> bytes) {
  return Digest<32>(EVP_sha256(), bytes);
}

std::array<uint8_t, 20> Sha1(std::span<const uint8_t> bytes) { return Digest<20>(EVP_sha1(), bytes); }

}  // namespace hvr::azure
