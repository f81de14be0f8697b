// Fuzzes the manifest file parser. The first input byte picks a mode:
//   even: the rest is a manifest file, as found on disk;
//   odd:  the same, but with both checksums recomputed first, so mutations reach the
//         checks behind them instead of dying at the header checksum.
// Whatever decodes must re-encode to the same bytes, and must behave as a manifest:
// diffing it with itself finds exactly its unknown chunks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "diff/chunk_hash.hpp"
#include "hvr/chunk_diff.hpp"
#include "hvr/manifest.hpp"
#include "util/endian.hpp"

namespace {

// Offsets from the manifest file format (docs/chunk-diff.md).
constexpr size_t kHeaderSize = 64;
constexpr size_t kTableChecksum = 40;
constexpr size_t kHeaderChecksum = 56;

void Reseal(std::vector<uint8_t>& file) {
  if (file.size() < kHeaderSize) return;
  const std::span<const uint8_t> table(file.data() + kHeaderSize, file.size() - kHeaderSize);
  hvr::StoreLE<uint64_t>(file.data() + kTableChecksum, hvr::Checksum64(table));
  hvr::StoreLE<uint64_t>(file.data() + kHeaderChecksum, 0);
  hvr::StoreLE<uint64_t>(file.data() + kHeaderChecksum,
                         hvr::Checksum64(std::span<const uint8_t>(file.data(), kHeaderSize)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::vector<uint8_t> file(data + 1, data + size);
  if (data[0] & 1) Reseal(file);
  auto manifest = hvr::DecodeManifest(file, "fuzz");
  if (!manifest.ok()) {
    if (manifest.error().message().empty()) std::abort();
    return 0;
  }
  const std::string encoded = hvr::EncodeManifest(*manifest);
  if (encoded.size() != file.size() || std::memcmp(encoded.data(), file.data(), file.size()) != 0) {
    std::abort();
  }
  const auto self = hvr::Diff(*manifest, *manifest);
  if (!self.ok() || self->totals.differing_chunks != manifest->unknown_chunk_count()) std::abort();
  return 0;
}
