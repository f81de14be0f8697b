// Writes the seed corpus of hrl_reader_fuzz into the folder given: small valid logs of
// every shape the reader knows (empty, one block, many blocks, version 1, unaligned and
// overlapping writes, the specification's example layout) and an unclosed one.
#include <cstdio>
#include <filesystem>
#include <vector>

#include "hvr/hrl_writer.hpp"

namespace {

struct Seed {
  const char* name;
  uint32_t version;
  uint32_t metadata_size;
  std::vector<std::pair<uint64_t, size_t>> writes;  // offset, length
  bool close;
};

int Write(const std::string& folder, const Seed& seed) {
  const std::string path = folder + "/" + seed.name;
  std::filesystem::remove(path);
  hvr::HrlWriterOptions options;
  options.format_version = seed.version;
  options.metadata_size = seed.metadata_size;
  options.previous_unique_id = hvr::Guid::Random();
  options.data_write_guid = hvr::Guid::Random();
  auto writer = hvr::HrlWriter::Create(path, options);
  if (!writer.ok()) {
    std::fprintf(stderr, "%s\n", writer.error().ToString().c_str());
    return 1;
  }
  uint8_t fill = 1;
  for (const auto& [offset, length] : seed.writes) {
    const std::vector<uint8_t> data(length, fill++);
    if (!writer->Append(offset, data).ok()) return 1;
  }
  if (seed.close ? !writer->Close().ok() : !writer->Flush().ok()) return 1;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: hrl_reader_corpus FOLDER\n");
    return 2;
  }
  const std::string folder = argv[1];
  std::filesystem::create_directories(folder);
  std::vector<std::pair<uint64_t, size_t>> many;
  for (uint64_t i = 0; i < 40; ++i) many.emplace_back(i * 1536 % 65536, 1 + i * 37 % 700);
  const Seed seeds[] = {
      {"empty.hrl", hvr::kHrlVersion2, 512, {}, true},
      {"one-block.hrl", hvr::kHrlVersion2, 512, {{0, 512}, {4096, 1024}, {512, 512}}, true},
      {"many-blocks.hrl", hvr::kHrlVersion2, 512, many, true},
      {"version1.hrl", hvr::kHrlVersion1, 512, {{1 << 20, 512}, {100, 3}}, true},
      {"overlapping.hrl", hvr::kHrlVersion2, 1024, {{1000, 300}, {1100, 50}, {900, 700}, {999, 1}}, true},
      {"example-layout.hrl", hvr::kHrlVersion2, 4096, {{3626348544, 512}, {8026886144, 512}, {139466752, 256}}, true},
      {"unclosed.hrl", hvr::kHrlVersion2, 512, {{0, 512}}, false},
  };
  for (const Seed& seed : seeds) {
    if (Write(folder, seed) != 0) return 1;
  }
  std::printf("wrote %zu seeds to %s\n", std::size(seeds), folder.c_str());
  return 0;
}
