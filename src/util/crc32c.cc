
#include <boost/crc.hpp>

#include "util/crc32c.hpp"

namespace hvr {
namespace {

using Crc32cEngine = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

}  // namespace

uint32_t Crc32c(std::span<const uint8_t> data) {
  Crc32cEngine crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

uint32_t Crc32cWithZeroedField(std::span<const uint8_t> data, size_t field_offset) {
  static constexpr uint8_t kZeros[4] = {};
  Crc32cEngine crc;
  crc.process_bytes(data.data(), field_offset);
  crc.process_bytes(kZeros, sizeof kZeros);
  crc.process_bytes(data.data() + field_offset + 4, data.size() - field_offset - 4);
  return crc.checksum();
}

}  // namespace hvr
