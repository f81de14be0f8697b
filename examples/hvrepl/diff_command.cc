// hvrepl manifest build | manifest show | diff: chunk manifests and the differences
// between disks and manifests (docs/chunk-diff.md).
#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <variant>

#include "arguments.hpp"
#include "command.hpp"
#include "units.hpp"
#include "hvr/chunk_diff.hpp"
#include "util/file.hpp"

namespace hvrepl {
namespace {

// The options every command here shares, and the chunk options they make.
struct ChunkArgs {
  std::optional<uint32_t> chunk_size;
  unsigned threads = 0;
  bool progress = false;

  hvr::ChunkOptions Options() const {
    hvr::ChunkOptions options;
    options.chunk_size = chunk_size.value_or(0);
    options.threads = threads;
    return options;
  }
};

void AddChunkOptions(CLI::App& app, ChunkArgs& args) {
  AddSize(app, "--chunk-size", args.chunk_size,
          "a power of two from " + SizeText(hvr::kMinChunkSize) + " to " + SizeText(hvr::kMaxChunkSize) +
              " (default: " + SizeText(hvr::kDefaultChunkSize) + " for manifests, the manifest's when one is given, " +
              SizeText(hvr::kMinChunkSize) + " for two disks)");
  AddCount(app, "--threads", args.threads, "worker threads (0: one per core)");
  app.add_flag("--progress", args.progress, "show progress on stderr");
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

int BuildAndSave(const std::string& path, const std::string& output, const ChunkArgs& args) {
  hvr::ChunkOptions options = args.Options();
  ProgressBar bar("hashing", args.progress);
  options.progress = bar.fn();

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

Runner ManifestBuild(CLI::App& app) {
  struct Args {
    std::string disk;
    std::string output;
    ChunkArgs chunks;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "DISK", a->disk, "the disk image to hash: raw, VHD or VHDX");
  AddText(app, "-o,--output", a->output, "the manifest file to write", "FILE")->required();
  AddChunkOptions(app, a->chunks);
  return [a] { return BuildAndSave(a->disk, a->output, a->chunks); };
}

int Show(const std::string& path, bool json) {
  auto m = hvr::LoadManifest(path);
  if (!m.ok()) return ReportError(m.error());
  const auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  if (json) {
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

Runner ManifestShow(CLI::App& app) {
  struct Args {
    std::string manifest;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "FILE", a->manifest, "a manifest file");
  app.add_flag("--json", a->json, "print JSON");
  return [a] { return Show(a->manifest, a->json); };
}

int Compare(const std::string& source_path, const std::string& target_path, const ChunkArgs& args, bool json) {
  hvr::ChunkOptions options = args.Options();
  ProgressBar bar("comparing", args.progress);
  options.progress = bar.fn();

  auto source = OpenOperand(source_path);
  if (!source.ok()) return ReportError(source.error());
  auto target = OpenOperand(target_path);
  if (!target.ok()) return ReportError(target.error());
  auto result = DiffOperands(*source, *target, options);
  if (!result.ok()) return ReportError(result.error());

  if (json) {
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

Runner DiffCommand(CLI::App& app) {
  struct Args {
    std::string source;
    std::string target;
    ChunkArgs chunks;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "SOURCE", a->source, "the disk or manifest to bring the target to");
  AddPositional(app, "TARGET", a->target, "the disk or manifest to compare with it");
  AddChunkOptions(app, a->chunks);
  app.add_flag("--json", a->json, "print JSON: runs and totals");
  return [a] { return Compare(a->source, a->target, a->chunks, a->json); };
}

}  // namespace

std::vector<Command> DiffCommands() {
  return {
      {.words = {"manifest", "build"},
       .summary = "hash a disk in chunks into a manifest file",
       .description = "Reads a disk image in fixed-size chunks, hashes each (XXH3-128) and writes the hashes, "
                      "with the disk's size and the chunk size, to a manifest file: what resync compares a "
                      "replica with instead of reading it (docs/chunk-diff.md). All-zero chunks are marked, not "
                      "hashed.",
       .examples = {{"/vms/sql01/disk0.vhdx -o disk0.manifest", ""},
                    {"/vms/sql01/disk0.vhdx -o disk0.manifest --chunk-size 64K --threads 2 --progress", ""}},
       .declare = ManifestBuild},
      {.words = {"manifest", "show"},
       .summary = "describe a manifest file",
       .description = "Prints what a manifest file holds: the disk size, the chunk size, how many chunks, how "
                      "many of them zero or unknown, and the hash algorithm.",
       .examples = {{"disk0.manifest", ""}, {"disk0.manifest --json", ""}},
       .declare = ManifestShow},
      {.words = {"diff"},
       .summary = "what differs between disks or manifests: the runs that bring TARGET to SOURCE",
       .description = "Compares SOURCE and TARGET chunk by chunk, each a disk image or a manifest file (told "
                      "apart by content), and prints the runs of chunks that bring TARGET to SOURCE: data to "
                      "send, zeros to clear, and bytes past the end of SOURCE to cut off. Two manifests are "
                      "compared by their hashes alone; a disk against a manifest is hashed the manifest's way.",
       .examples = {{"/vms/sql01/disk0.vhdx /restore/disk0.raw", "two disks, in 4K chunks"},
                    {"/vms/sql01/disk0.vhdx disk0.manifest --json", "a disk against the manifest of its replica"}},
       .declare = DiffCommand},
  };
}

}  // namespace hvrepl
