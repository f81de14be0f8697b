// hvrepl disk ...: inspect, convert, create, checkpoint (diff-child) and merge virtual disks.
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "command.hpp"
#include "units.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_convert.hpp"
#include "hvr/disk_create.hpp"

namespace hvrepl {
namespace {

namespace po = boost::program_options;

// A size option's value, or a usage error (main prints it with the command's usage).
uint64_t SizeOption(const po::variables_map& vm, const char* name) {
  const std::string text = vm[name].as<std::string>();
  const auto size = ParseSize(text);
  if (!size) throw std::invalid_argument(std::string("--") + name + ": '" + text + "' is not a size (e.g. 2G, 512M, 64K)");
  return *size;
}

int Info(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("json", "print JSON");
  const auto vm = ParseArguments(args, options, {"image"});
  auto disk = hvr::OpenDisk(vm["image"].as<std::string>());
  if (!disk.ok()) return ReportError(disk.error());
  auto ranges = (*disk)->AllocatedRanges();
  if (!ranges.ok()) return ReportError(ranges.error());
  uint64_t allocated = 0;
  for (const hvr::ByteRange& r : *ranges) allocated += r.length;
  const hvr::DiskInfo& info = (*disk)->info();

  if (vm.count("json")) {
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

int Convert(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("to", po::value<std::string>()->required(), "raw, vhdx, vhdx-fixed or vhd-fixed")(
      "block-size", po::value<std::string>(), "VHDX block size (default 32M)")(
      "threads", po::value<int>()->default_value(0), "reading and writing threads (0: one per core, up to 4)")(
      "sync", "make the result durable before exiting")("force", "replace an existing destination")(
      "progress", "show progress on stderr");
  const auto vm = ParseArguments(args, options, {"source", "destination"});
  hvr::ConvertOptions convert;
  const std::string to = vm["to"].as<std::string>();
  if (to == "raw") convert.target = hvr::ConvertTarget::kRaw;
  else if (to == "vhdx") convert.target = hvr::ConvertTarget::kVhdxDynamic;
  else if (to == "vhdx-fixed") convert.target = hvr::ConvertTarget::kVhdxFixed;
  else if (to == "vhd-fixed") convert.target = hvr::ConvertTarget::kVhdFixed;
  else return UsageError("disk convert: --to must be raw, vhdx, vhdx-fixed or vhd-fixed, not '" + to + "'");
  if (vm.count("block-size")) convert.block_size = static_cast<uint32_t>(SizeOption(vm, "block-size"));
  convert.threads = vm["threads"].as<int>();
  // Like cp and qemu-img convert, leave flushing to the system unless asked.
  convert.sync = vm.count("sync") > 0;
  convert.overwrite = vm.count("force") > 0;
  ProgressBar bar("convert", vm.count("progress") > 0);
  convert.progress = bar.fn();
  auto source = hvr::OpenDisk(vm["source"].as<std::string>());
  if (!source.ok()) return ReportError(source.error());
  auto stats = hvr::ConvertDisk(**source, vm["destination"].as<std::string>(), convert);
  if (!stats.ok()) return ReportError(stats.error());
  std::cout << "converted " << HumanSize(stats->virtual_size) << " to " << to << ": read "
            << HumanSize(stats->bytes_read) << " allocated, wrote " << HumanSize(stats->bytes_written) << "\n";
  return 0;
}

int Create(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("size", po::value<std::string>()->required(), "virtual size (e.g. 64G)")(
      "type", po::value<std::string>()->default_value("vhdx"), "vhdx, vhdx-fixed, vhd-fixed or raw")(
      "block-size", po::value<std::string>(), "VHDX block size (default 32M)");
  const auto vm = ParseArguments(args, options, {"image"});
  const std::string path = vm["image"].as<std::string>();
  const uint64_t size = SizeOption(vm, "size");
  const std::string type = vm["type"].as<std::string>();
  hvr::Status s;
  if (type == "vhdx" || type == "vhdx-fixed") {
    hvr::VhdxCreateOptions create;
    create.virtual_size = size;
    create.fixed = type == "vhdx-fixed";
    if (vm.count("block-size")) create.block_size = static_cast<uint32_t>(SizeOption(vm, "block-size"));
    s = hvr::CreateVhdx(path, create);
  } else if (type == "vhd-fixed") {
    s = hvr::CreateFixedVhd(path, size);
  } else if (type == "raw") {
    s = hvr::CreateRaw(path, size);
  } else {
    return UsageError("disk create: --type must be vhdx, vhdx-fixed, vhd-fixed or raw, not '" + type + "'");
  }
  if (!s.ok()) return ReportError(s.error());
  std::cout << "created " << path << " (" << type << ", " << HumanSize(size) << ")\n";
  return 0;
}

int DiffChild(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("block-size", po::value<std::string>(), "block size of the child (default: the parent's)");
  const auto vm = ParseArguments(args, options, {"parent", "child"});
  hvr::DifferencingOptions diff;
  if (vm.count("block-size")) diff.block_size = static_cast<uint32_t>(SizeOption(vm, "block-size"));
  const hvr::Status s = hvr::CreateDifferencingVhdx(vm["child"].as<std::string>(), vm["parent"].as<std::string>(), diff);
  if (!s.ok()) return ReportError(s.error());
  std::cout << "created " << vm["child"].as<std::string>() << " over " << vm["parent"].as<std::string>() << "\n";
  return 0;
}

int Merge(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("keep-child", "keep the child file after merging")("progress", "show progress on stderr");
  const auto vm = ParseArguments(args, options, {"child"});
  hvr::MergeOptions merge;
  merge.keep_child = vm.count("keep-child") > 0;
  ProgressBar bar("merge", vm.count("progress") > 0);
  merge.progress = bar.fn();
  auto merged = hvr::MergeDifferencingDisk(vm["child"].as<std::string>(), merge);
  if (!merged.ok()) return ReportError(merged.error());
  std::cout << "merged " << HumanSize(merged->bytes_merged) << " into " << merged->parent_path
            << " (data write guid " << merged->parent_data_write_guid.ToString() << ")\n";
  return 0;
}

}  // namespace

std::vector<Command> DiskCommands() {
  return {
      {{"disk", "info"}, "IMAGE [--json]",
       "format, type, sizes, allocated bytes, identity GUIDs and parent chain of a VHDX, VHD or raw image", Info},
      {{"disk", "convert"}, "SRC DST --to raw|vhdx|vhdx-fixed|vhd-fixed [--block-size N] [--threads N] [--sync] [--force] [--progress]",
       "copy a disk into another format, reading only allocated data and leaving zeros out (vhd-fixed is Azure-ready)",
       Convert},
      {{"disk", "create"}, "IMAGE --size N [--type vhdx|vhdx-fixed|vhd-fixed|raw] [--block-size N]",
       "create an empty image", Create},
      {{"disk", "diff-child"}, "PARENT CHILD [--block-size N]",
       "create a differencing VHDX over a VHDX parent, as a Hyper-V checkpoint does", DiffChild},
      {{"disk", "merge"}, "CHILD [--keep-child] [--progress]",
       "merge a differencing VHDX into its parent, then delete it", Merge},
  };
}

}  // namespace hvrepl
