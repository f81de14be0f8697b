// Writes the seed corpora of vhdx_parser_fuzz and vhd_parser_fuzz: small images of every
// kind hvr makes (dynamic, fixed, differencing over a parent that is not there, a log
// left to replay, dynamic and differencing VHD, fixed VHD), encoded as the fuzzers'
// patch lists (disk_fuzz_input.hpp).
//
//   disk_fuzz_corpus VHDX_SEED_DIR VHD_SEED_DIR
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "disk/disk_chain.hpp"
#include "disk/vhdx_writer.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"
#include "test_util/disk_tools.hpp"
#include "test_util/vhd_builder.hpp"

namespace {

namespace fs = std::filesystem;
using hvr::Status;

// Non-zero runs of sectors become patches; the file's size becomes a zero-length patch.
std::vector<uint8_t> Encode(const std::vector<uint8_t>& image) {
  std::vector<uint8_t> out;
  const auto patch = [&](uint64_t offset, const uint8_t* bytes, size_t length) {
    const uint32_t sector = static_cast<uint32_t>(offset / 512);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(sector >> (8 * i)));
    out.push_back(static_cast<uint8_t>(length));
    out.push_back(static_cast<uint8_t>(length >> 8));
    out.insert(out.end(), bytes, bytes + length);
  };
  const auto sector_zero = [&](size_t s) {
    for (size_t i = s * 512; i < std::min(image.size(), (s + 1) * 512); ++i) {
      if (image[i] != 0) return false;
    }
    return true;
  };
  const size_t sectors = (image.size() + 511) / 512;
  for (size_t s = 0; s < sectors;) {
    if (sector_zero(s)) {
      ++s;
      continue;
    }
    size_t e = s;
    while (e < sectors && !sector_zero(e) && e - s < 120) ++e;
    const size_t length = std::min(image.size(), e * 512) - s * 512;
    patch(s * 512, image.data() + s * 512, length);
    s = e;
  }
  patch(image.size(), nullptr, 0);
  return out;
}

bool Check(const Status& s, const char* what) {
  if (!s.ok()) std::fprintf(stderr, "disk_fuzz_corpus: %s: %s\n", what, s.error().ToString().c_str());
  return s.ok();
}

bool Save(const std::string& image, const std::string& seed) {
  const std::vector<uint8_t> encoded = Encode(hvr::testing::ReadFileBytes(image));
  std::ofstream out(seed, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(encoded.data()), static_cast<std::streamsize>(encoded.size()));
  return out.good();
}

bool WriteSome(const std::string& path, uint64_t offset, size_t length) {
  auto writer = hvr::OpenDiskForWrite(path);
  if (!Check(writer.ok() ? Status() : Status(writer.error()), "open")) return false;
  std::vector<uint8_t> data(length);
  for (size_t i = 0; i < length; ++i) data[i] = static_cast<uint8_t>(i * 13 + 1);
  return Check((*writer)->Write(offset, data), "write") && Check((*writer)->Close(), "close");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: disk_fuzz_corpus VHDX_SEED_DIR VHD_SEED_DIR\n");
    return 2;
  }
  const std::string vhdx_dir = argv[1];
  const std::string vhd_dir = argv[2];
  fs::create_directories(vhdx_dir);
  fs::create_directories(vhd_dir);
  const fs::path work = fs::temp_directory_path() / ("hvr-disk-seeds-" + std::to_string(::getpid()));
  fs::create_directories(work);
  const auto file = [&](const char* name) { return (work / name).string(); };
  bool ok = true;

  hvr::VhdxCreateOptions o;
  o.virtual_size = 8 << 20;
  o.block_size = 1 << 20;
  ok = ok && Check(hvr::CreateVhdx(file("dynamic.vhdx"), o), "dynamic");
  ok = ok && WriteSome(file("dynamic.vhdx"), 3 << 20, 3000) && Save(file("dynamic.vhdx"), vhdx_dir + "/dynamic");
  o.fixed = true;
  ok = ok && Check(hvr::CreateVhdx(file("fixed.vhdx"), o), "fixed") && Save(file("fixed.vhdx"), vhdx_dir + "/fixed");
  o.fixed = false;
  o.logical_sector_size = 4096;
  ok = ok && Check(hvr::CreateVhdx(file("4k.vhdx"), o), "4k") && WriteSome(file("4k.vhdx"), 5000, 100) &&
       Save(file("4k.vhdx"), vhdx_dir + "/sectors-4k");
  // A child whose parent the fuzzer will not find: the locator and bitmaps still parse.
  ok = ok && Check(hvr::CreateDifferencingVhdx(file("child.vhdx"), file("dynamic.vhdx")), "child") &&
       WriteSome(file("child.vhdx"), (1 << 20) + 512, 1024) && Save(file("child.vhdx"), vhdx_dir + "/differencing");
  // A log to replay: the writer stops after the entry is durable.
  o.logical_sector_size = 512;
  ok = ok && Check(hvr::CreateVhdx(file("log.vhdx"), o), "log");
  if (ok) {
    hvr::ChainContext chain{{}, {}, {}};
    auto writer = hvr::VhdxWriter::Open(file("log.vhdx"), {}, chain);
    ok = writer.ok() && (*writer)->Write(2 << 20, std::vector<uint8_t>(4096, 0x33)).ok();
    if (ok) {
      (*writer)->SetFaultHookForTesting([](std::string_view step) -> Status {
        return step == "apply" ? Status(hvr::Error(hvr::Code::kIo, "stop")) : hvr::Ok();
      });
      (void)(*writer)->Close();
      ok = Save(file("log.vhdx"), vhdx_dir + "/pending-log");
    }
  }

  ok = ok && Check(hvr::CreateFixedVhd(file("fixed.vhd"), 1 << 20), "fixed vhd") &&
       WriteSome(file("fixed.vhd"), 1000, 500) && Save(file("fixed.vhd"), vhd_dir + "/fixed");
  hvr::testing::BuildDynamicVhd(file("dynamic.vhd"), {.virtual_size = 6 << 20, .block_size = 1 << 20});
  ok = ok && WriteSome(file("dynamic.vhd"), (1 << 20) + 700, 2000) && Save(file("dynamic.vhd"), vhd_dir + "/dynamic");
  hvr::testing::BuildDynamicVhd(file("child.vhd"), {.virtual_size = 6 << 20, .block_size = 1 << 20,
                                                    .parent_path = file("dynamic.vhd")});
  ok = ok && WriteSome(file("child.vhd"), 4096, 512) && Save(file("child.vhd"), vhd_dir + "/differencing");
  fs::remove_all(work);
  return ok ? 0 : 1;
}
