// hvrepl upload, download and store ls: disks in and out of replica stores.

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "command.hpp"
#include "units.hpp"
#include "hvr/disk_transfer.hpp"
#include "hvr/sync_store.hpp"
#include "store/store_json.hpp"
#include "store/time_text.hpp"

namespace hvrepl {
namespace {

namespace po = boost::program_options;

// Options every store command takes.
void AddStoreOptions(po::options_description& options) {
  options.add_options()
      ("in-flight", po::value<int>()->default_value(8), "requests in flight (4 MiB each at most)")
      ("bandwidth", po::value<uint64_t>(), "bytes per second to send at most")
      ("ca-file", po::value<std::string>(), "PEM file of CA certificates to trust")
      ("insecure", po::bool_switch(), "do not verify the server's TLS certificate")
      ("proxy", po::value<std::string>(), "HTTP proxy URL (default: HTTPS_PROXY/HTTP_PROXY)")
      ("verbose", po::bool_switch(), "log every request to stderr");
}

// The options, or a usage error (main prints it with the command's usage) for one out
// of the range the library gives.
hvr::StoreOptions StoreOptionsFrom(const po::variables_map& vm) {
  hvr::StoreOptions options;
  options.max_in_flight = vm["in-flight"].as<int>();
  if (hvr::Status valid = options.Validate(); !valid.ok()) {
    throw std::invalid_argument("--in-flight: " + valid.error().message());
  }
  if (vm.count("bandwidth")) {
    options.bandwidth = std::make_shared<hvr::BandwidthLimiter>(
        hvr::BandwidthSchedule::Constant(vm["bandwidth"].as<uint64_t>()));
  }
  if (vm.count("ca-file")) options.tls.ca_file = vm["ca-file"].as<std::string>();
  options.tls.verify = !vm["insecure"].as<bool>();
  if (vm.count("proxy")) options.proxy = vm["proxy"].as<std::string>();
  const bool verbose = vm["verbose"].as<bool>();
  options.log = [verbose](hvr::LogLevel level, std::string_view message) {
    if (level >= hvr::LogLevel::kWarning || verbose) {
      std::cerr << "hvrepl: " << hvr::LogLevelName(level) << ": " << message << "\n";
    }
  };
  return options;
}

int Upload(const std::vector<std::string>& args) {
  po::options_description named("upload options");
  AddStoreOptions(named);
  named.add_options()("json", po::bool_switch(), "print the summary as JSON");
  const auto vm = ParseArguments(args, named, {"image", "disk"});
  const hvr::StoreOptions options = StoreOptionsFrom(vm);
  auto location = hvr::ParseDiskLocation(vm["disk"].as<std::string>());
  if (!location.ok()) return UsageError(location.error().message());
  if (!location->snapshot.empty()) return UsageError("upload: a recovery point cannot be written to");
  auto image = hvr::OpenDisk(vm["image"].as<std::string>());
  if (!image.ok()) return ReportError(image.error());
  auto store = hvr::SyncStore::Open(location->target, options);
  if (!store.ok()) return ReportError(store.error());

  ProgressBar bar("upload", ProgressBar::StderrIsTerminal());
  hvr::TransferOptions transfer;
  transfer.max_in_flight = options.max_in_flight;
  transfer.progress = bar.fn();
  auto stats = hvr::UploadDisk(**image, (*store)->async(), location->name, transfer);
  if (!stats.ok()) return ReportError(stats.error());
  bar.Finish(stats->virtual_size);

  const std::string where = (*store)->description() + "/" + location->name;
  if (vm["json"].as<bool>()) {
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

int Download(const std::vector<std::string>& args) {
  po::options_description named("download options");
  AddStoreOptions(named);
  named.add_options()("raw", po::bool_switch(), "write the raw disk, without the VHD footer")(
      "json", po::bool_switch(), "print the summary as JSON");
  const auto vm = ParseArguments(args, named, {"disk", "out"});
  const hvr::StoreOptions options = StoreOptionsFrom(vm);
  auto location = hvr::ParseDiskLocation(vm["disk"].as<std::string>());
  if (!location.ok()) return UsageError(location.error().message());
  auto store = hvr::SyncStore::Open(location->target, options);
  if (!store.ok()) return ReportError(store.error());

  ProgressBar bar("download", ProgressBar::StderrIsTerminal());
  hvr::TransferOptions transfer;
  transfer.max_in_flight = options.max_in_flight;
  transfer.progress = bar.fn();
  const std::string out = vm["out"].as<std::string>();
  auto stats = hvr::DownloadDisk((*store)->async(), location->name, location->snapshot, out,
                                 !vm["raw"].as<bool>(), transfer);
  if (!stats.ok()) return ReportError(stats.error());
  bar.Finish(stats->virtual_size);
  if (vm["json"].as<bool>()) {
    boost::json::object json = hvr::TransferStatsToJson(*stats);
    json["out"] = out;
    std::cout << boost::json::serialize(json) << "\n";
    return 0;
  }
  std::cout << "downloaded " << (*store)->description() << "/" << location->name
            << (location->snapshot.empty() ? "" : "@" + location->snapshot) << " to " << out << " ("
            << (vm["raw"].as<bool>() ? "raw" : "fixed VHD") << ", " << HumanSize(stats->virtual_size) << ")\n"
            << "  received " << HumanSize(stats->bytes_read) << " in " << stats->requests << " requests\n"
            << "  written  " << HumanSize(stats->bytes_sent) << ", " << HumanSize(stats->bytes_skipped)
            << " left sparse\n"
            << "  time     " << HumanSeconds(stats->elapsed) << ", " << HumanRate(stats->bytes_read, stats->elapsed)
            << "\n";
  return 0;
}

int List(const std::vector<std::string>& args) {
  po::options_description named("store ls options");
  AddStoreOptions(named);
  named.add_options()("json", po::bool_switch(), "print JSON")(
      "points", po::bool_switch(), "list each disk's recovery points too");
  const auto vm = ParseArguments(args, named, {"target"});
  auto store = hvr::SyncStore::Open(vm["target"].as<std::string>(), StoreOptionsFrom(vm));
  if (!store.ok()) return ReportError(store.error());
  auto disks = (*store)->ListDisks();
  if (!disks.ok()) return ReportError(disks.error());
  const bool points = vm["points"].as<bool>();
  std::vector<std::vector<hvr::RecoveryPoint>> all_points(disks->size());
  if (points) {
    for (size_t i = 0; i < disks->size(); ++i) {
      auto list = (*store)->ListSnapshots((*disks)[i].name);
      if (!list.ok()) return ReportError(list.error());
      all_points[i] = std::move(list).value();
    }
  }
  if (vm["json"].as<bool>()) {
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

}  // namespace

std::vector<Command> StoreCommands() {
  return {
      {{"upload"}, "IMAGE TARGET/NAME [--in-flight N] [--bandwidth B/s] [--json]",
       "copy a disk image (VHDX, VHD, raw) to a replica disk, sending only allocated non-zero data",
       Upload},
      {{"download"}, "TARGET/NAME[@POINT] OUT [--raw] [--in-flight N] [--json]",
       "write a replica disk or recovery point to a new file, as a fixed VHD unless --raw", Download},
      {{"store", "ls"}, "TARGET [--points] [--json]",
       "list the disks of a store (connection string, container URL, absolute folder or file:PATH)", List},
  };
}

}  // namespace hvrepl
