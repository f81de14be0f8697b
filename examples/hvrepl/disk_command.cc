// hvrepl disk ...: inspect, convert, create, checkpoint (diff-child) and merge virtual disks.
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "arguments.hpp"
#include "command.hpp"
#include "units.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_convert.hpp"
#include "hvr/disk_create.hpp"

namespace hvrepl {
namespace {

// What a VHDX block size may be (hvr::VhdxCreateOptions).
constexpr const char* kVhdxBlockSize = "VHDX block size, a power of two from 1M to 256M";

int ShowInfo(const std::string& image, bool json) {
  auto disk = hvr::OpenDisk(image);
  if (!disk.ok()) return ReportError(disk.error());
  auto ranges = (*disk)->AllocatedRanges();
  if (!ranges.ok()) return ReportError(ranges.error());
  uint64_t allocated = 0;
  for (const hvr::ByteRange& r : *ranges) allocated += r.length;
  const hvr::DiskInfo& info = (*disk)->info();

  if (json) {
    boost::json::array chain;
    for (const hvr::DiskReader* d = (*disk)->parent(); d != nullptr; d = d->parent()) {
      chain.push_back({{"path", d->info().path},
                       {"format", hvr::DiskFormatName(d->info().format)},
                       {"type", hvr::DiskTypeName(d->info().type)},
                       {"data_write_guid", d->info().data_write_guid.ToString()},
                       {"unique_id", d->info().unique_id.ToString()}});
    }
    boost::json::object out = {
        {"path", info.path},
        {"format", hvr::DiskFormatName(info.format)},
        {"type", hvr::DiskTypeName(info.type)},
        {"virtual_size", info.virtual_size},
        {"block_size", info.block_size},
        {"logical_sector_size", info.logical_sector_size},
        {"physical_sector_size", info.physical_sector_size},
        {"allocated_bytes", allocated},
        {"data_write_guid", info.data_write_guid.ToString()},
        {"file_write_guid", info.file_write_guid.ToString()},
        {"page83_id", info.page83_id.ToString()},
        {"unique_id", info.unique_id.ToString()},
        {"log_replayed", info.log_replayed},
        {"parent_chain", chain},
    };
    if (info.parent_path) out["parent_identity"] = info.parent_identity.ToString();
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }
  const auto line = [](const char* name, const std::string& value) {
    std::cout << name << std::string(18 - std::string(name).size(), ' ') << value << "\n";
  };
  line("path:", info.path);
  line("format:", hvr::DiskFormatName(info.format));
  line("type:", hvr::DiskTypeName(info.type));
  line("virtual size:", std::to_string(info.virtual_size) + " (" + HumanSize(info.virtual_size) + ")");
  if (info.block_size != 0) line("block size:", HumanSize(info.block_size));
  line("sector size:", std::to_string(info.logical_sector_size) + " logical, " +
                           std::to_string(info.physical_sector_size) + " physical");
  line("allocated:", std::to_string(allocated) + " (" + HumanSize(allocated) + ")");
  if (info.format == hvr::DiskFormat::kVhdx) {
    line("data write guid:", info.data_write_guid.ToString());
    line("file write guid:", info.file_write_guid.ToString());
    line("page 83 id:", info.page83_id.ToString());
    if (info.log_replayed) line("log:", "held updates; replayed in memory");
  }
  if (info.format == hvr::DiskFormat::kVhd) line("unique id:", info.unique_id.ToString());
  for (const hvr::DiskReader* d = (*disk)->parent(); d != nullptr; d = d->parent()) {
    line("parent:", d->info().path + " (" + hvr::DiskFormatName(d->info().format) + ", " +
                        hvr::DiskTypeName(d->info().type) + ")");
  }
  return 0;
}

Runner Info(CLI::App& app) {
  struct Args {
    std::string image;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "IMAGE", a->image, "a VHDX, VHD or raw image");
  app.add_flag("--json", a->json, "print JSON");
  return [a] { return ShowInfo(a->image, a->json); };
}

// The formats `disk convert --to` writes.
const std::vector<std::pair<std::string, hvr::ConvertTarget>>& ConvertTargets() {
  static const std::vector<std::pair<std::string, hvr::ConvertTarget>> targets = {
      {"raw", hvr::ConvertTarget::kRaw},
      {"vhdx", hvr::ConvertTarget::kVhdxDynamic},
      {"vhdx-fixed", hvr::ConvertTarget::kVhdxFixed},
      {"vhd-fixed", hvr::ConvertTarget::kVhdFixed},
  };
  return targets;
}

Runner Convert(CLI::App& app) {
  struct Args {
    std::string source;
    std::string destination;
    hvr::ConvertOptions convert;
    std::optional<uint32_t> block_size;
    bool progress = false;
  };
  auto a = std::make_shared<Args>();
  // Like cp and qemu-img convert, leave flushing to the system unless asked.
  a->convert.sync = false;
  AddPositional(app, "SRC", a->source, "the disk to copy: a VHDX, VHD or raw image");
  AddPositional(app, "DST", a->destination, "the new image");
  AddChoice(app, "--to", a->convert.target, ConvertTargets(), "the format of DST (vhd-fixed is Azure's)")->required();
  AddSize(app, "--block-size", a->block_size,
          std::string(kVhdxBlockSize) + " (default: " + SizeText(hvr::VhdxCreateOptions{}.block_size) + ")");
  AddCount(app, "--threads", a->convert.threads, "reading and writing threads (0: one per core, at most 4)", 0);
  app.add_flag("--sync", a->convert.sync, "make the result durable before exiting");
  app.add_flag("--force", a->convert.overwrite, "replace an existing DST");
  app.add_flag("--progress", a->progress, "show progress on stderr");
  return [a] {
    hvr::ConvertOptions convert = a->convert;
    if (a->block_size) convert.block_size = *a->block_size;
    ProgressBar bar("convert", a->progress);
    convert.progress = bar.fn();
    auto source = hvr::OpenDisk(a->source);
    if (!source.ok()) return ReportError(source.error());
    auto stats = hvr::ConvertDisk(**source, a->destination, convert);
    if (!stats.ok()) return ReportError(stats.error());
    std::string to;
    for (const auto& [name, target] : ConvertTargets()) {
      if (target == convert.target) to = name;
    }
    std::cout << "converted " << HumanSize(stats->virtual_size) << " to " << to << ": read "
              << HumanSize(stats->bytes_read) << " allocated, wrote " << HumanSize(stats->bytes_written) << "\n";
    return 0;
  };
}

Runner Create(CLI::App& app) {
  enum class Type { kVhdx, kVhdxFixed, kVhdFixed, kRaw };
  struct Args {
    std::string path;
    uint64_t size = 0;
    Type type = Type::kVhdx;
    hvr::VhdxCreateOptions vhdx;
  };
  auto a = std::make_shared<Args>();
  static const std::vector<std::pair<std::string, Type>> kTypes = {
      {"vhdx", Type::kVhdx}, {"vhdx-fixed", Type::kVhdxFixed}, {"vhd-fixed", Type::kVhdFixed}, {"raw", Type::kRaw}};
  AddPositional(app, "IMAGE", a->path, "the new image");
  AddSize(app, "--size", a->size, "virtual size")->required();
  AddChoice(app, "--type", a->type, kTypes, "the image's format: a dynamic or fixed VHDX, a fixed VHD (Azure's), raw");
  AddSize(app, "--block-size", a->vhdx.block_size, kVhdxBlockSize);
  return [a] {
    hvr::Status s;
    std::string type;
    for (const auto& [name, value] : kTypes) {
      if (value == a->type) type = name;
    }
    switch (a->type) {
      case Type::kVhdx:
      case Type::kVhdxFixed: {
        hvr::VhdxCreateOptions create = a->vhdx;
        create.virtual_size = a->size;
        create.fixed = a->type == Type::kVhdxFixed;
        s = hvr::CreateVhdx(a->path, create);
        break;
      }
      case Type::kVhdFixed:
        s = hvr::CreateFixedVhd(a->path, a->size);
        break;
      case Type::kRaw:
        s = hvr::CreateRaw(a->path, a->size);
        break;
    }
    if (!s.ok()) return ReportError(s.error());
    std::cout << "created " << a->path << " (" << type << ", " << HumanSize(a->size) << ")\n";
    return 0;
  };
}

Runner DiffChild(CLI::App& app) {
  struct Args {
    std::string parent;
    std::string child;
    hvr::DifferencingOptions diff;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "PARENT", a->parent, "the VHDX the child records changes to; it must not be written afterwards");
  AddPositional(app, "CHILD", a->child, "the new differencing VHDX");
  AddSize(app, "--block-size", a->diff.block_size, "block size of the child (default: the parent's)");
  return [a] {
    const hvr::Status s = hvr::CreateDifferencingVhdx(a->child, a->parent, a->diff);
    if (!s.ok()) return ReportError(s.error());
    std::cout << "created " << a->child << " over " << a->parent << "\n";
    return 0;
  };
}

Runner Merge(CLI::App& app) {
  struct Args {
    std::string child;
    hvr::MergeOptions merge;
    bool progress = false;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "CHILD", a->child, "the differencing VHDX to merge into its parent");
  app.add_flag("--keep-child", a->merge.keep_child, "keep the child file after merging");
  app.add_flag("--progress", a->progress, "show progress on stderr");
  return [a] {
    hvr::MergeOptions merge = a->merge;
    ProgressBar bar("merge", a->progress);
    merge.progress = bar.fn();
    auto merged = hvr::MergeDifferencingDisk(a->child, merge);
    if (!merged.ok()) return ReportError(merged.error());
    std::cout << "merged " << HumanSize(merged->bytes_merged) << " into " << merged->parent_path
              << " (data write guid " << merged->parent_data_write_guid.ToString() << ")\n";
    return 0;
  };
}

}  // namespace

std::vector<Command> DiskCommands() {
  return {
      {.words = {"disk", "info"},
       .summary = "format, sizes, allocated bytes, identity GUIDs and parent chain of a VHDX, VHD or raw image",
       .description = "Opens an image the way replication reads it (a VHDX whose log holds updates is replayed in "
                      "memory, a differencing disk is read through its parents) and prints its format, type, "
                      "virtual size, block and sector sizes, the bytes allocated in it, its identity GUIDs and "
                      "its parent chain. An image is VHDX, VHD or raw by its extension, and one whose name says "
                      "VHDX or VHD must be one.",
       .examples = {{"/vms/sql01/disk0.vhdx", ""},
                    {"/vms/sql01/disk0_6F1C.avhdx --json", "a checkpoint's child, as JSON"}},
       .declare = Info},
      {.words = {"disk", "convert"},
       .summary = "copy a disk into another format, sparsely (vhd-fixed is Azure-ready)",
       .description = "Copies the content of SRC into a new image DST of the format --to names, reading only the "
                      "allocated data of SRC and leaving zeros out, so that DST is as sparse as its format "
                      "allows. A differencing SRC is read through its parents. DST is built beside its final "
                      "name and renamed into place once complete; an existing DST is an error unless --force.",
       .examples = {{"/vms/sql01/disk0.vhdx /tmp/disk0.raw --to raw", ""},
                    {"/vms/sql01/disk0.vhdx /upload/disk0.vhd --to vhd-fixed --progress",
                     "a fixed VHD, the layout Azure disks have"}},
       .declare = Convert},
      {.words = {"disk", "create"},
       .summary = "create an empty image",
       .description = "Creates an empty image of the virtual size --size: a dynamic VHDX (blocks allocated as "
                      "they are written), a fixed VHDX, a fixed VHD (a raw disk followed by a footer, the "
                      "layout of Azure disks) or a raw file.",
       .examples = {{"/vms/test/disk0.vhdx --size 64G", "a dynamic VHDX of 64 GiB"},
                    {"/vms/test/disk1.vhd --size 1G --type vhd-fixed", ""}},
       .declare = Create},
      {.words = {"disk", "diff-child"},
       .summary = "create a differencing VHDX over a VHDX parent, as a Hyper-V checkpoint does",
       .description = "Creates CHILD, a differencing VHDX over the VHDX PARENT, as a Hyper-V checkpoint does: "
                      "writes go to the child, the parent stays as it was. The child records the parent's "
                      "identity, so writing the parent afterwards breaks the chain.",
       .examples = {{"/vms/sql01/disk0.vhdx /vms/sql01/disk0_checkpoint.avhdx", ""}},
       .declare = DiffChild},
      {.words = {"disk", "merge"},
       .summary = "merge a differencing VHDX into its parent, then delete it",
       .description = "Writes the blocks a differencing VHDX holds into its parent, as Hyper-V does when a "
                      "checkpoint is deleted, then deletes the child unless --keep-child. The parent gets a new "
                      "data write GUID.",
       .examples = {{"/vms/sql01/disk0_checkpoint.avhdx --progress", ""}},
       .declare = Merge},
  };
}

}  // namespace hvrepl
