#include "diff/chunk_hash.hpp"

#include <cstring>

#if defined(__x86_64__) && !defined(XXH_INLINE_ALL)
// libxxhash's runtime dispatch picks the widest vector unit the CPU has (SSE2, AVX2,
// AVX-512); the plain entry points are built for the baseline only. Builds that take
// xxHash header-only (Windows) have no dispatcher and hash with the baseline (SSE2).
#include <xxh_x86dispatch.h>
#define HVR_XXH3_128 XXH3_128bits_dispatch
#define HVR_XXH3_64 XXH3_64bits_dispatch
#else
#include <xxhash.h>
#define HVR_XXH3_128 XXH3_128bits
#define HVR_XXH3_64 XXH3_64bits
#endif

namespace hvr {

ChunkHash RawXxh3(std::span<const uint8_t> bytes) {
  const XXH128_hash_t h = HVR_XXH3_128(bytes.data(), bytes.size());
  return ChunkHash{h.low64, h.high64};
}

uint64_t Checksum64(std::span<const uint8_t> bytes) { return HVR_XXH3_64(bytes.data(), bytes.size()); }

ChunkHash HashChunk(std::span<const uint8_t> bytes) {
  if (IsAllZero(bytes)) return ChunkHash::Zero();
  ChunkHash hash = RawXxh3(bytes);
  // Keep the reserved values for what they mean; the collision this adds (one value in
  // 2^127) is no more likely than any other.
  if (hash.is_zero() || hash.is_unknown()) hash.low ^= 1;
  return hash;
}

}  // namespace hvr
