#include "store/azure/crc64.hpp"

#include <array>

#include "store/azure/crypto.hpp"
#include "util/endian.hpp"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HVR_CRC64_CLMUL 1
#endif

namespace hvr::azure {
namespace {

// The polynomial with its x^64 term left out, highest degree in the top bit, and the same
// bit-reversed, as a reflected CRC uses it.
constexpr uint64_t kPolynomial = 0xAD93D23594C93659;
constexpr uint64_t kReflected = 0x9A6C9329AC4BC9B5;

// Slicing by eight: table[k][b] is the CRC of byte b followed by k zero bytes, so eight
// input bytes are folded in with eight lookups and no dependency between them. Computed
// at compile time.
using Tables = std::array<std::array<uint64_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint64_t b = 0; b < 256; ++b) {
    uint64_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kReflected : crc >> 1;
    t[0][b] = crc;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFF];
  }
  return t;
}

constexpr Tables kTables = MakeTables();

// The CRC register after `data`, starting from `crc` (no initial value or final XOR).
uint64_t TableUpdate(uint64_t crc, const uint8_t* p, size_t n) {
  for (; n >= 8; p += 8, n -= 8) {
    crc ^= LoadLE<uint64_t>(p);
    crc = kTables[7][crc & 0xFF] ^ kTables[6][(crc >> 8) & 0xFF] ^ kTables[5][(crc >> 16) & 0xFF] ^
          kTables[4][(crc >> 24) & 0xFF] ^ kTables[3][(crc >> 32) & 0xFF] ^ kTables[2][(crc >> 40) & 0xFF] ^
          kTables[1][(crc >> 48) & 0xFF] ^ kTables[0][crc >> 56];
  }
  for (; n > 0; ++p, --n) crc = (crc >> 8) ^ kTables[0][(crc ^ *p) & 0xFF];
  return crc;
}

#ifdef HVR_CRC64_CLMUL

// x^n mod P, bit-reversed into the reflected domain.
constexpr uint64_t ReflectedPowerOfX(unsigned n) {
  uint64_t r = 1;
  for (unsigned i = 0; i < n; ++i) r = (r & (uint64_t{1} << 63)) ? (r << 1) ^ kPolynomial : r << 1;
  uint64_t reflected = 0;
  for (int bit = 0; bit < 64; ++bit) reflected |= ((r >> bit) & 1) << (63 - bit);
  return reflected;
}

// Folding by carry-less multiplication (Intel, "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ"): four 16-byte lanes, each multiplied forward by 512 bits
// per step and combined with the next 64 bytes, so the multiplier's latency is hidden.
// In the reflected domain a carry-less product comes out multiplied by x once more,
// hence the constants x^(d+63) and x^(d-1) for a distance of d bits: the first 8 bytes
// of a lane are its high-degree half. What is left after folding is congruent to the
// data folded away, so the table loop finishes on it and the tail.
const __m128i kFold512 = _mm_set_epi64x(static_cast<long long>(ReflectedPowerOfX(511)),
                                        static_cast<long long>(ReflectedPowerOfX(575)));
const __m128i kFold128 = _mm_set_epi64x(static_cast<long long>(ReflectedPowerOfX(127)),
                                        static_cast<long long>(ReflectedPowerOfX(191)));

__attribute__((target("pclmul,sse2"))) inline __m128i Fold(__m128i lane, __m128i constants, __m128i next) {
  const __m128i high = _mm_clmulepi64_si128(lane, constants, 0x00);  // first 8 bytes
  const __m128i low = _mm_clmulepi64_si128(lane, constants, 0x11);   // last 8 bytes
  return _mm_xor_si128(_mm_xor_si128(high, low), next);
}

__attribute__((target("pclmul,sse2"))) uint64_t ClmulUpdate(uint64_t crc, const uint8_t* p, size_t n) {
  if (n < 128) return TableUpdate(crc, p, n);
  const auto load = [](const uint8_t* at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at)); };
  __m128i lanes[4] = {_mm_xor_si128(load(p), _mm_cvtsi64_si128(static_cast<long long>(crc))), load(p + 16),
                      load(p + 32), load(p + 48)};
  p += 64;
  n -= 64;
  for (; n >= 64; p += 64, n -= 64) {
    for (int i = 0; i < 4; ++i) lanes[i] = Fold(lanes[i], kFold512, load(p + 16 * i));
  }
  __m128i folded = Fold(Fold(Fold(lanes[0], kFold128, lanes[1]), kFold128, lanes[2]), kFold128, lanes[3]);
  alignas(16) uint8_t rest[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(rest), folded);
  return TableUpdate(TableUpdate(0, rest, sizeof rest), p, n);
}

#endif

}  // namespace

uint64_t Crc64(std::span<const uint8_t> data) {
  uint64_t crc = ~uint64_t{0};
#ifdef HVR_CRC64_CLMUL
  static const bool clmul = __builtin_cpu_supports("pclmul");
  if (clmul) return ~ClmulUpdate(crc, data.data(), data.size());
#endif
  return ~TableUpdate(crc, data.data(), data.size());
}

std::string Crc64Header(std::span<const uint8_t> data) {
  std::array<uint8_t, 8> bytes{};
  StoreLE<uint64_t>(bytes.data(), Crc64(data));
  return Base64Encode(bytes);
}

}  // namespace hvr::azure
