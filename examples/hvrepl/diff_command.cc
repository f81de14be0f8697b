// hvrepl manifest build | manifest show | diff: chunk manifests and the differences
// between disks and manifests (docs/chunk-diff.md).
#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <variant>

#include "command.hpp"
#include "units.hpp"
#include "hvr/chunk_diff.hpp"
#include "util/file.hpp"

namespace hvrepl {
namespace {

namespace po = boost::program_options;

// Fills the options every command here shares; returns a usage error message or "".
std::string ReadChunkOptions(const po::variables_map& vm, hvr::ChunkOptions& options) {
  if (vm.count("chunk-size")) {
    const auto size = ParseSize(vm["chunk-size"].as<std::string>());
    if (!size || *size > UINT32_MAX) {
      return "--chunk-size: '" + vm["chunk-size"].as<std::string>() + "' is not a size (e.g. 65536, 64K, 1M)";
    }
    options.chunk_size = static_cast<uint32_t>(*size);
  }
  options.threads = vm["threads"].as<unsigned>();
  return "";
}

void AddChunkOptions(po::options_description& desc) {
  desc.add_options()
      ("chunk-size", po::value<std::string>(),
       "a power of two from 4K to 4M; default 256K for manifests, the manifest's when one "
       "is given, 4K for two disks")
      ("threads", po::value<unsigned>()->default_value(0), "worker threads (0: one per core)");
}

po::variables_map Parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const po::positional_options_description& positional) {
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
  po::notify(vm);
  return vm;
}

// A diff operand: a disk image or a manifest file, told apart by content.
using Operand = std::variant<std::unique_ptr<hvr::DiskReader>, hvr::Manifest>;

hvr::Result<Operand> OpenOperand(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(hvr::File file, hvr::File::Open(path, hvr::File::Mode::kRead));
  uint8_t head[8] = {};
  HVR_ASSIGN_OR_RETURN(const size_t got, file.ReadSomeAt(0, head));
  if (hvr::LooksLikeManifest(std::span(head, got))) {
    HVR_ASSIGN_OR_RETURN(hvr::Manifest manifest, hvr::LoadManifest(path));
    return Operand(std::move(manifest));
  }
  HVR_ASSIGN_OR_RETURN(auto disk, hvr::OpenDisk(path));
  return Operand(std::move(disk));
}

std::string Describe(const Operand& operand) {
  if (const auto* m = std::get_if<hvr::Manifest>(&operand)) {
    return "manifest, " + std::to_string(m->disk_size()) + " bytes in chunks of " +
           std::to_string(m->chunk_size());
  }
  const auto& info = std::get<std::unique_ptr<hvr::DiskReader>>(operand)->info();
  return std::string(hvr::DiskFormatName(info.format)) + " disk, " +
         std::to_string(info.virtual_size) + " bytes";
}

hvr::Result<hvr::DiffResult> DiffOperands(const Operand& source, const Operand& target,
                                          const hvr::ChunkOptions& options) {
  using Disk = std::unique_ptr<hvr::DiskReader>;
  const auto* source_disk = std::get_if<Disk>(&source);
  const auto* target_disk = std::get_if<Disk>(&target);
  const auto* source_manifest = std::get_if<hvr::Manifest>(&source);
  const auto* target_manifest = std::get_if<hvr::Manifest>(&target);
  if (source_disk && target_disk) return hvr::Diff(**source_disk, **target_disk, options);
  if (source_disk) return hvr::Diff(**source_disk, *target_manifest, options);
  if (options.chunk_size != 0 && options.chunk_size != source_manifest->chunk_size()) {
    return hvr::Error(hvr::Code::kInvalidArgument,
                      "--chunk-size " + std::to_string(options.chunk_size) +
                          " does not match the source manifest's chunk size " +
                          std::to_string(source_manifest->chunk_size()));
  }
  if (target_disk) {
    // Only hashes of the source exist: hash the target disk the same way.
    hvr::ChunkOptions same = options;
    same.chunk_size = source_manifest->chunk_size();
    HVR_ASSIGN_OR_RETURN(const hvr::Manifest built, hvr::BuildManifest(**target_disk, same));
    return hvr::Diff(*source_manifest, built);
  }
  return hvr::Diff(*source_manifest, *target_manifest);
}

int ManifestBuild(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()
      ("disk", po::value<std::string>()->required(), "disk image (raw, VHD, VHDX)")
      ("output,o", po::value<std::string>()->required(), "manifest file to write")
      ("progress", po::bool_switch(), "show progress on stderr");
  AddChunkOptions(desc);
  po::positional_options_description positional;
  positional.add("disk", 1);
  const auto vm = Parse(args, desc, positional);
  hvr::ChunkOptions options;
  if (auto error = ReadChunkOptions(vm, options); !error.empty()) return UsageError(error);
  ProgressBar bar("hashing", vm["progress"].as<bool>());
  options.progress = bar.fn();

  const std::string path = vm["disk"].as<std::string>();
  const std::string output = vm["output"].as<std::string>();
  auto disk = hvr::OpenDisk(path);
  if (!disk.ok()) return ReportError(disk.error());
  const auto start = std::chrono::steady_clock::now();
  auto manifest = hvr::BuildManifest(**disk, options);
  if (!manifest.ok()) return ReportError(manifest.error().WithContext(path));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (auto saved = hvr::SaveManifest(*manifest, output); !saved.ok()) return ReportError(saved.error());
  std::printf("%s: %llu chunks of %u bytes (%llu zero) for %llu bytes of %s, hashed in %.2f s (%.0f MiB/s)\n",
              output.c_str(), static_cast<unsigned long long>(manifest->chunk_count()),
              manifest->chunk_size(), static_cast<unsigned long long>(manifest->zero_chunk_count()),
              static_cast<unsigned long long>(manifest->disk_size()), path.c_str(), seconds,
              seconds > 0 ? static_cast<double>(manifest->disk_size()) / seconds / (1 << 20) : 0.0);
  return 0;
}

int ManifestShow(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()
      ("manifest", po::value<std::string>()->required(), "manifest file")
      ("json", po::bool_switch(), "print JSON");
  po::positional_options_description positional;
  positional.add("manifest", 1);
  const auto vm = Parse(args, desc, positional);
  const std::string path = vm["manifest"].as<std::string>();
  auto m = hvr::LoadManifest(path);
  if (!m.ok()) return ReportError(m.error());
  const auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  if (vm["json"].as<bool>()) {
    std::cout << boost::json::serialize(boost::json::object{
                     {"disk_size", m->disk_size()},
                     {"chunk_size", m->chunk_size()},
                     {"chunks", m->chunk_count()},
                     {"zero_chunks", m->zero_chunk_count()},
                     {"unknown_chunks", m->unknown_chunk_count()},
                     {"algorithm", hvr::HashAlgorithmName(m->algorithm())}})
              << "\n";
  } else {
    std::printf("%s\n  disk size   %llu bytes\n  chunk size  %u bytes\n  chunks      %llu "
                "(%llu zero, %llu unknown)\n  algorithm   %s\n",
                path.c_str(), u(m->disk_size()), m->chunk_size(), u(m->chunk_count()),
                u(m->zero_chunk_count()), u(m->unknown_chunk_count()),
                hvr::HashAlgorithmName(m->algorithm()));
  }
  return 0;
}

int DiffCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()
      ("source", po::value<std::string>()->required(), "disk or manifest to bring the target to")
      ("target", po::value<std::string>()->required(), "disk or manifest to compare with it")
      ("json", po::bool_switch(), "print JSON: runs and totals")
      ("progress", po::bool_switch(), "show progress on stderr");
  AddChunkOptions(desc);
  po::positional_options_description positional;
  positional.add("source", 1).add("target", 1);
  const auto vm = Parse(args, desc, positional);
  hvr::ChunkOptions options;
  if (auto error = ReadChunkOptions(vm, options); !error.empty()) return UsageError(error);
  ProgressBar bar("comparing", vm["progress"].as<bool>());
  options.progress = bar.fn();

  const std::string source_path = vm["source"].as<std::string>();
  const std::string target_path = vm["target"].as<std::string>();
  auto source = OpenOperand(source_path);
  if (!source.ok()) return ReportError(source.error());
  auto target = OpenOperand(target_path);
  if (!target.ok()) return ReportError(target.error());
  auto result = DiffOperands(*source, *target, options);
  if (!result.ok()) return ReportError(result.error());

  if (vm["json"].as<bool>()) {
    std::cout << hvr::DiffToJson(*result) << "\n";
    return 0;
  }
  const hvr::DiffTotals& t = result->totals;
  std::cout << "source  " << source_path << " (" << Describe(*source) << ")\n"
            << "target  " << target_path << " (" << Describe(*target) << ")\n"
            << "chunks  " << t.chunks << " of " << result->chunk_size << " bytes, "
            << t.differing_chunks << " differ, in " << t.runs << " runs\n"
            << "send    " << t.data_bytes << " bytes; clear " << t.zero_bytes
            << " bytes; cut off " << t.past_source_end_bytes << " bytes past the source's end\n";
  if (result->identical()) {
    std::cout << "identical\n";
    return 0;
  }
  std::cout << "\n          offset          length  kind\n";
  for (const hvr::DiffRun& run : result->runs) {
    std::printf("%16llu%16llu  %s\n", static_cast<unsigned long long>(run.range.offset),
                static_cast<unsigned long long>(run.range.length), hvr::DiffKindName(run.kind));
  }
  return 0;
}

}  // namespace

std::vector<Command> DiffCommands() {
  return {
      {{"manifest", "build"}, "DISK -o FILE [--chunk-size N] [--threads N] [--progress]",
       "hash a disk in chunks into a manifest file", ManifestBuild},
      {{"manifest", "show"}, "FILE [--json]", "describe a manifest file", ManifestShow},
      {{"diff"}, "SOURCE TARGET [--chunk-size N] [--threads N] [--json] [--progress]",
       "what differs between disks or manifests: the runs that bring TARGET to SOURCE",
       DiffCommand},
  };
}

}  // namespace hvrepl
