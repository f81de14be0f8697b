// hvrepl upload, download and store ls: disks in and out of replica stores.

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "arguments.hpp"
#include "command.hpp"
#include "store_arguments.hpp"
#include "units.hpp"
#include "hvr/disk_transfer.hpp"
#include "hvr/sync_store.hpp"
#include "store/store_json.hpp"
#include "store/time_text.hpp"

namespace hvrepl {
namespace {

// What every store command takes: the store's connection, and whether to log requests.
struct StoreCommandArgs {
  StoreArgs store;
  bool verbose = false;
  bool json = false;
};

void AddStoreCommandArgs(CLI::App& app, StoreCommandArgs& args) {
  AddStoreArgs(app, args.store);
  app.add_flag("--verbose", args.verbose, "log every request to stderr");
}

hvr::StoreOptions StoreOptionsFrom(const StoreCommandArgs& args) {
  hvr::StoreOptions options;
  options.max_in_flight = args.store.in_flight;
  options.blob_requests_per_second = args.store.Link().requests_per_second;
  if (args.store.bandwidth) {
    options.bandwidth =
        std::make_shared<hvr::BandwidthLimiter>(hvr::BandwidthSchedule::Constant(*args.store.bandwidth));
  }
  if (args.store.ca_file) options.tls.ca_file = *args.store.ca_file;
  options.tls.verify = !args.store.insecure;
  options.proxy = args.store.proxy;
  const bool verbose = args.verbose;
  options.log = [verbose](hvr::LogLevel level, std::string_view message) {
    if (level >= hvr::LogLevel::kWarning || verbose) {
      std::cerr << "hvrepl: " << hvr::LogLevelName(level) << ": " << message << "\n";
    }
  };
  return options;
}

int UploadImage(const std::string& image_path, const std::string& disk, const StoreCommandArgs& args) {
  const hvr::StoreOptions options = StoreOptionsFrom(args);
  auto location = hvr::ParseDiskLocation(disk);
  if (!location.ok()) return UsageError(location.error().message());
  if (!location->snapshot.empty()) return UsageError("upload: a recovery point cannot be written to");
  auto image = hvr::OpenDisk(image_path);
  if (!image.ok()) return ReportError(image.error());
  auto store = hvr::SyncStore::Open(location->target, options);
  if (!store.ok()) return ReportError(store.error());

  ProgressBar bar("upload", ProgressBar::StderrIsTerminal());
  hvr::TransferOptions transfer;
  transfer.max_in_flight = options.max_in_flight;
  transfer.join_gap = args.store.Link().JoinGap(args.store.bandwidth.value_or(0));
  transfer.progress = bar.fn();
  auto stats = hvr::UploadDisk(**image, (*store)->async(), location->name, transfer);
  if (!stats.ok()) return ReportError(stats.error());
  bar.Finish(stats->virtual_size);

  const std::string where = (*store)->description() + "/" + location->name;
  if (args.json) {
    boost::json::object out = hvr::TransferStatsToJson(*stats);
    out["image"] = (*image)->info().path;
    out["format"] = hvr::DiskFormatName((*image)->info().format);
    out["disk"] = where;
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }
  std::cout << "uploaded " << (*image)->info().path << " (" << hvr::DiskFormatName((*image)->info().format)
            << ") to " << where << " as a fixed VHD of " << HumanSize(stats->virtual_size) << "\n"
            << "  read     " << HumanSize(stats->bytes_read) << "\n"
            << "  sent     " << HumanSize(stats->bytes_sent) << " in " << stats->requests << " requests\n"
            << "  skipped  " << HumanSize(stats->bytes_skipped) << " (unallocated or zero)\n"
            << "  time     " << HumanSeconds(stats->elapsed) << ", "
            << HumanRate(stats->bytes_sent, stats->elapsed) << " sent, "
            << HumanRate(stats->virtual_size, stats->elapsed) << " of disk\n";
  return 0;
}

Runner Upload(CLI::App& app) {
  struct Args {
    std::string image;
    std::string disk;
    StoreCommandArgs common;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "IMAGE", a->image, "the disk image to copy: VHDX, VHD or raw");
  AddPositional(app, "TARGET/NAME", a->disk, "the replica disk to make: NAME in the store TARGET");
  AddStoreCommandArgs(app, a->common);
  app.add_flag("--json", a->common.json, "print the summary as JSON");
  return [a] { return UploadImage(a->image, a->disk, a->common); };
}

int DownloadDisk(const std::string& disk, const std::string& out, bool raw, const StoreCommandArgs& args) {
  const hvr::StoreOptions options = StoreOptionsFrom(args);
  auto location = hvr::ParseDiskLocation(disk);
  if (!location.ok()) return UsageError(location.error().message());
  auto store = hvr::SyncStore::Open(location->target, options);
  if (!store.ok()) return ReportError(store.error());

  ProgressBar bar("download", ProgressBar::StderrIsTerminal());
  hvr::TransferOptions transfer;
  transfer.max_in_flight = options.max_in_flight;
  transfer.progress = bar.fn();
  auto stats = hvr::DownloadDisk((*store)->async(), location->name, location->snapshot, out, !raw, transfer);
  if (!stats.ok()) return ReportError(stats.error());
  bar.Finish(stats->virtual_size);
  if (args.json) {
    boost::json::object json = hvr::TransferStatsToJson(*stats);
    json["out"] = out;
    std::cout << boost::json::serialize(json) << "\n";
    return 0;
  }
  std::cout << "downloaded " << (*store)->description() << "/" << location->name
            << (location->snapshot.empty() ? "" : "@" + location->snapshot) << " to " << out << " ("
            << (raw ? "raw" : "fixed VHD") << ", " << HumanSize(stats->virtual_size) << ")\n"
            << "  received " << HumanSize(stats->bytes_read) << " in " << stats->requests << " requests\n"
            << "  written  " << HumanSize(stats->bytes_sent) << ", " << HumanSize(stats->bytes_skipped)
            << " left sparse\n"
            << "  time     " << HumanSeconds(stats->elapsed) << ", " << HumanRate(stats->bytes_read, stats->elapsed)
            << "\n";
  return 0;
}

Runner Download(CLI::App& app) {
  struct Args {
    std::string disk;
    std::string out;
    bool raw = false;
    StoreCommandArgs common;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "TARGET/NAME[@POINT]", a->disk,
                "the replica disk NAME in the store TARGET, or its recovery point POINT");
  AddPositional(app, "OUT", a->out, "the file to write; it must not exist");
  app.add_flag("--raw", a->raw, "write the raw disk, without the VHD footer");
  AddStoreCommandArgs(app, a->common);
  app.add_flag("--json", a->common.json, "print the summary as JSON");
  return [a] { return DownloadDisk(a->disk, a->out, a->raw, a->common); };
}

int ListStore(const std::string& target, bool points, const StoreCommandArgs& args) {
  auto store = hvr::SyncStore::Open(target, StoreOptionsFrom(args));
  if (!store.ok()) return ReportError(store.error());
  auto disks = (*store)->ListDisks();
  if (!disks.ok()) return ReportError(disks.error());
  std::vector<std::vector<hvr::RecoveryPoint>> all_points(disks->size());
  if (points) {
    for (size_t i = 0; i < disks->size(); ++i) {
      auto list = (*store)->ListSnapshots((*disks)[i].name);
      if (!list.ok()) return ReportError(list.error());
      all_points[i] = std::move(list).value();
    }
  }
  if (args.json) {
    boost::json::array array;
    for (size_t i = 0; i < disks->size(); ++i) {
      boost::json::object disk = hvr::DiskToJson((*disks)[i]);
      if (points) {
        boost::json::array list;
        for (const auto& p : all_points[i]) list.push_back(hvr::RecoveryPointToJson(p));
        disk["points"] = list;
      }
      array.push_back(disk);
    }
    std::cout << boost::json::serialize(boost::json::object{{"store", (*store)->description()}, {"disks", array}})
              << "\n";
    return 0;
  }
  std::printf("%-32s %12s %7s %-10s %s\n", "NAME", "SIZE", "POINTS", "LEASE", "MODIFIED (UTC)");
  for (size_t i = 0; i < disks->size(); ++i) {
    const auto& d = (*disks)[i];
    std::printf("%-32s %12s %7zu %-10s %s\n", d.name.c_str(), HumanSize(d.virtual_size).c_str(), d.snapshot_count,
                hvr::LeaseStateName(d.lease_state), hvr::FormatSnapshotTime(d.last_modified).substr(0, 19).c_str());
    for (const auto& p : all_points[i]) {
      std::printf("  @%s%s\n", p.id.c_str(), p.app_consistent ? "  app-consistent" : "");
    }
  }
  return 0;
}

Runner List(CLI::App& app) {
  struct Args {
    std::string target;
    bool points = false;
    StoreCommandArgs common;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "TARGET", a->target, "the store");
  app.add_flag("--points", a->points, "list each disk's recovery points too");
  AddStoreCommandArgs(app, a->common);
  app.add_flag("--json", a->common.json, "print JSON");
  return [a] { return ListStore(a->target, a->points, a->common); };
}

// What TARGET is, for every command that names a store.
constexpr const char* kTargets =
    "TARGET is a connection string with Container=NAME, a container URL with a SAS token, or a local folder given "
    "as an absolute path or file:PATH (README.md, docs/store-design.md).";

}  // namespace

std::vector<Command> StoreCommands() {
  return {
      {.words = {"upload"},
       .summary = "copy a disk image (VHDX, VHD, raw) to a replica disk, sending only allocated non-zero data",
       .description = std::string("Copies a disk image to a new replica disk NAME in the store TARGET, as a fixed "
                                  "VHD of the same virtual size (the layout of an Azure disk), sending only the "
                                  "allocated data that is not zero. An existing replica disk of that name is an "
                                  "error (exit 3). ") + kTargets,
       .examples = {{"/vms/sql01/disk0.vhdx 'UseDevelopmentStorage=true;Container=replicas/disk0'", ""},
                    {"/vms/sql01/disk0.vhdx /srv/replicas/disk0 --bandwidth 2M --in-flight 4",
                     "to a local folder, at 2 MiB/s at most"}},
       .declare = Upload},
      {.words = {"download"},
       .summary = "write a replica disk or recovery point to a new file, as a fixed VHD unless --raw",
       .description = std::string("Reads a replica disk, or one of its recovery points, from the store TARGET "
                                  "and writes it to a new file: a fixed VHD, or the raw disk with --raw. Zeros "
                                  "are left sparse. ") + kTargets,
       .examples = {{"'UseDevelopmentStorage=true;Container=replicas/disk0' disk0.vhd", ""},
                    {"/srv/replicas/disk0@7 disk0-point7.raw --raw", "recovery point 7, as a raw disk"}},
       .declare = Download},
      {.words = {"store", "ls"},
       .summary = "list the disks of a store (connection string, container URL, absolute folder or file:PATH)",
       .description = std::string("Lists the replica disks of the store TARGET with their size, number of "
                                  "recovery points, lease state and time of last change; with --points, each "
                                  "disk's recovery points too. ") + kTargets,
       .examples = {{"'UseDevelopmentStorage=true;Container=replicas' --points", ""}, {"file:replicas --json", ""}},
       .declare = List},
  };
}

}  // namespace hvrepl
