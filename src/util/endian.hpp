// Loads and stores of fixed-width integers in a given byte order, for on-disk formats
// (MS-HRL and MS-VHDX are little-endian, VHD is big-endian). Memory need not be aligned.
#pragma once

#include <cstdint>
#include <cstring>

namespace hvr {

template <typename T>
inline T LoadLE(const uint8_t* p) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) value |= static_cast<T>(static_cast<T>(p[i]) << (8 * i));
  return value;
}

template <typename T>
inline T LoadBE(const uint8_t* p) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) value = static_cast<T>((value << 8) | p[i]);
  return value;
}

template <typename T>
inline void StoreLE(uint8_t* p, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
}

template <typename T>
inline void StoreBE(uint8_t* p, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) {
    p[sizeof(T) - 1 - i] = static_cast<uint8_t>(value >> (8 * i));
  }
}

}  // namespace hvr
