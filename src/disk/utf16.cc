#include "disk/utf16.hpp"

#include <boost/locale/encoding_utf.hpp>

namespace hvr {
namespace {

std::string ToUtf8(std::span<const uint8_t> bytes, bool big_endian) {
  std::u16string units;
  units.reserve(bytes.size() / 2);
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    const uint8_t hi = big_endian ? bytes[i] : bytes[i + 1];
    const uint8_t lo = big_endian ? bytes[i + 1] : bytes[i];
    units.push_back(static_cast<char16_t>((hi << 8) | lo));
  }
  return boost::locale::conv::utf_to_utf<char>(units, boost::locale::conv::skip);
}

std::vector<uint8_t> FromUtf8(std::string_view text, bool big_endian) {
  const std::u16string units = boost::locale::conv::utf_to_utf<char16_t>(
      text.data(), text.data() + text.size(), boost::locale::conv::skip);
  std::vector<uint8_t> out;
  out.reserve(units.size() * 2);
  for (const char16_t u : units) {
    const auto hi = static_cast<uint8_t>(u >> 8);
    const auto lo = static_cast<uint8_t>(u & 0xff);
    out.push_back(big_endian ? hi : lo);
    out.push_back(big_endian ? lo : hi);
  }
  return out;
}

}  // namespace

std::string Utf16LeToUtf8(std::span<const uint8_t> bytes) { return ToUtf8(bytes, false); }
std::string Utf16BeToUtf8(std::span<const uint8_t> bytes) { return ToUtf8(bytes, true); }
std::vector<uint8_t> Utf8ToUtf16Le(std::string_view text) { return FromUtf8(text, false); }
std::vector<uint8_t> Utf8ToUtf16Be(std::string_view text) { return FromUtf8(text, true); }

}  // namespace hvr
