// Fuzz target: the HRL reader over arbitrary bytes, read the way the replication session
// reads logs (header, chain check, every entry with its data, coalesced into page
// writes). Any input must give a result or an error: never a crash, a hang or an
// allocation beyond the input's size and one metadata block.
//
// Every structure of a log is checksummed, so most mutations stop at the first checksum.
// Each input is therefore read twice: as it is, and with its checksums and entry count
// recomputed along whatever structure its bytes describe, so that mutated lengths,
// pointers and offsets reach the checks behind the checksums.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "hrl/checksum.hpp"
#include "scratch_file.hpp"
#include "hvr/extent_map.hpp"
#include "hvr/hrl.hpp"
#include "util/endian.hpp"

namespace {

using hvr::LoadLE;
using hvr::StoreLE;
using hvr::hrl::ByteSum;
using hvr::hrl::ChecksumExcludingField;

// Recomputes DataChecksum, entry and metadata header checksums, TotalMetadataEntries and
// the header checksum, following the log's own pointers as far as they make sense.
void RepairChecksums(std::vector<uint8_t>& log) {
  if (log.size() < 4096) return;
  uint8_t* p = log.data();
  const uint64_t eol = LoadLE<uint64_t>(p + 44);
  const uint32_t block_size = LoadLE<uint32_t>(p + 56);
  if (block_size < 64 || block_size > log.size() || eol > log.size() || eol < 4096 + uint64_t{block_size}) return;
  std::vector<uint64_t> blocks;  // last to first
  for (uint64_t at = eol - block_size; blocks.size() < 100000;) {
    blocks.push_back(at);
    const uint64_t back = LoadLE<uint64_t>(p + at);
    if (back == 0 || back < block_size || back > at - 4096) break;
    at -= back;
  }
  std::reverse(blocks.begin(), blocks.end());
  uint64_t total = 0;
  uint64_t data = 4096;
  for (size_t b = 0; b < blocks.size(); ++b) {
    uint8_t* block = p + blocks[b];
    const uint32_t valid = std::min<uint32_t>(LoadLE<uint32_t>(block + 8), (block_size - 32) / 32);
    for (uint32_t i = 0; i < valid; ++i) {
      uint8_t* entry = block + 32 + 32 * i;
      const uint32_t length = LoadLE<uint32_t>(entry + 12);
      if (data + length <= blocks[b] && LoadLE<uint32_t>(entry + 21) != 0) {
        StoreLE<uint32_t>(entry + 21, ~ByteSum(std::span(p + data, length)));
      }
      data += length;
      StoreLE<uint32_t>(entry + 8, ChecksumExcludingField(std::span(entry, 32), 8));
    }
    total += valid;
    StoreLE<uint32_t>(block + 12, ChecksumExcludingField(std::span(block, 32), 12));
    data = blocks[b] + block_size;
  }
  StoreLE<uint64_t>(p + 96, total);
  StoreLE<uint32_t>(p + 40, ChecksumExcludingField(std::span(p, 4096), 40));
}

void ReadLikeTheSession(const uint8_t* data, size_t size) {
  // The reader reads files.
  static const hvr::fuzz::ScratchFile log("hrl");
  if (!log.Assign(std::span(data, size))) return;
  const std::string& path = log.path();

  auto header = hvr::ReadHrlHeader(path);
  if (header.ok()) (void)hvr::CheckLogChain(std::span(&*header, 1), header->previous_unique_id);

  hvr::HrlReaderOptions options;
  options.read_buffer_size = 4096;  // small windows and a small index: more paths taken
  options.index_capacity = 3;
  auto reader = hvr::HrlReader::Open(path, uint64_t{1} << 40, options);
  if (reader.ok()) {
    hvr::ExtentMap map;
    hvr::HrlEntry entry;
    std::vector<uint8_t> chunk(1000);
    std::vector<uint8_t> bytes;
    for (;;) {
      auto more = reader->Next(entry);
      if (!more.ok() || !*more) break;
      if (entry.index % 3 == 2) continue;  // leave some data to Next to verify
      bytes.clear();
      for (;;) {
        auto n = reader->ReadData(chunk);
        if (!n.ok() || *n == 0) break;
        bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + static_cast<long>(*n));
      }
      (void)map.Add(entry.disk_offset, bytes);
    }
    (void)map.ForEachPageWrite(
        [](uint64_t, std::span<uint8_t> out) {
          std::fill(out.begin(), out.end(), 0);
          return hvr::Ok();
        },
        [](uint64_t, std::span<const uint8_t>) { return hvr::Ok(); }, 64 << 10);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ReadLikeTheSession(data, size);
  std::vector<uint8_t> repaired(data, data + size);
  RepairChecksums(repaired);
  ReadLikeTheSession(repaired.data(), repaired.size());
  return 0;
}
