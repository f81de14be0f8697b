// hvrepl hrl ...: Hyper-V Replica Log files.
//   hvrepl hrl inspect LOG [--json] [--disk-size BYTES]
//   hvrepl hrl apply LOG... --to IMAGE [--after UNIQUEID] [--copy]
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <limits>

#include "command.hpp"
#include "hvr/extent_map.hpp"
#include "hvr/hrl.hpp"
#include "hvr/hrl_coalesce.hpp"
#include "util/file.hpp"
#include "util/hex.hpp"

namespace hvrepl {
namespace {

namespace po = boost::program_options;
namespace json = boost::json;

std::string IsoTime(uint32_t hrl_time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(hvr::FromHrlTime(hrl_time));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string Version(uint32_t v) { return std::to_string(v >> 16) + "." + std::to_string(v & 0xffff); }

std::string Creator(const std::array<char, 4>& app) {
  std::string text;
  for (char c : app) text += (c >= 32 && c < 127) ? c : ' ';
  return text;
}

json::object HeaderJson(const hvr::HrlHeader& h) {
  json::object o;
  o["path"] = h.path;
  o["format_version"] = Version(h.format_version);
  o["created"] = IsoTime(h.timestamp);
  o["last_modified"] = IsoTime(h.last_modified_timestamp);
  o["creator_application"] = Creator(h.creator_application);
  o["creator_version"] = hvr::Hex32(h.creator_version);
  o["unique_id"] = h.unique_id.ToString();
  o["previous_unique_id"] = h.previous_unique_id.ToString();
  o["vhd2_data_write_guid"] =
      h.vhd2_data_write_guid ? json::value(h.vhd2_data_write_guid->ToString()) : json::value(nullptr);
  o["closed"] = h.closed();
  o["eol_location"] = h.eol_location;
  o["original_size"] = h.original_size;
  o["current_size"] = h.current_size;
  o["metadata_size"] = h.metadata_size;
  o["total_metadata_entries"] = h.total_metadata_entries;
  o["error_code"] = h.error_code;
  return o;
}

void PrintHeader(const hvr::HrlHeader& h) {
  std::cout << "log                  " << h.path << "\n"
            << "format version       " << Version(h.format_version) << "\n"
            << "created              " << IsoTime(h.timestamp) << "\n"
            << "last modified        " << IsoTime(h.last_modified_timestamp) << "\n"
            << "creator              \"" << Creator(h.creator_application) << "\" "
            << hvr::Hex32(h.creator_version) << "\n"
            << "unique id            " << h.unique_id.ToString() << "\n"
            << "previous unique id   " << h.previous_unique_id.ToString() << "\n"
            << "vhd2 data write guid "
            << (h.vhd2_data_write_guid ? h.vhd2_data_write_guid->ToString() : "(version 1: none)") << "\n"
            << "end of log           "
            << (h.closed() ? std::to_string(h.eol_location) : "0 (not closed)") << "\n"
            << "sizes                original " << h.original_size << ", current " << h.current_size << "\n"
            << "metadata size        " << h.metadata_size << "\n"
            << "entries              " << h.total_metadata_entries << "\n"
            << "error code           " << h.error_code << "\n";
}

// What `inspect` says of an entry's data after reading all of it.
const char* ChecksumStatus(const hvr::HrlEntry& entry, bool ok) {
  if (!ok) return "bad";
  return entry.data_checksum_recorded() ? "ok" : "not_recorded";
}

int Inspect(const std::vector<std::string>& args) {
  po::options_description options("hrl inspect");
  options.add_options()("log", po::value<std::string>()->required(), "the log file")(
      "json", "print JSON")("disk-size", po::value<uint64_t>(),
                            "refuse writes beyond this many bytes (default: no limit)");
  po::positional_options_description positional;
  positional.add("log", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  const std::string path = vm["log"].as<std::string>();
  const bool as_json = vm.count("json") > 0;
  const uint64_t disk_size =
      vm.count("disk-size") ? vm["disk-size"].as<uint64_t>() : std::numeric_limits<uint64_t>::max();

  auto header = hvr::ReadHrlHeader(path);
  if (!header.ok()) return ReportError(header.error());
  if (as_json) {
    std::cout << "{\"header\":" << json::serialize(HeaderJson(*header)) << ",\"entries\":[";
  } else {
    PrintHeader(*header);
  }
  // Entries stream out as they are read, so a log of any size is inspected in bounded
  // memory; a failure ends the listing with the error.
  std::optional<hvr::Error> failure;
  auto reader = hvr::HrlReader::Open(path, disk_size);
  if (!reader.ok()) failure = reader.error();
  if (!as_json && reader.ok()) {
    std::cout << "metadata blocks      " << reader->metadata_block_count() << "\n\n"
              << "index      offset               length      timestamp             checksum\n";
  }
  std::vector<uint8_t> buffer(1 << 20);
  hvr::HrlEntry entry;
  for (uint64_t n = 0; !failure; ++n) {
    auto more = reader->Next(entry);
    if (!more.ok()) {
      failure = more.error();
      break;
    }
    if (!*more) break;
    hvr::Status data = hvr::Ok();
    for (;;) {
      auto read = reader->ReadData(buffer);
      if (!read.ok()) data = read.error();
      if (!read.ok() || *read == 0) break;
    }
    const char* status = ChecksumStatus(entry, data.ok());
    if (as_json) {
      json::object e{{"index", entry.index},       {"offset", entry.disk_offset},
                     {"length", entry.length},     {"timestamp", IsoTime(entry.timestamp)},
                     {"checksum", status},         {"data_location", entry.data_location}};
      std::cout << (n ? "," : "") << json::serialize(e);
    } else {
      char row[128];
      std::snprintf(row, sizeof row, "%-10llu %-20llu %-11u %-21s %s\n",
                    static_cast<unsigned long long>(entry.index),
                    static_cast<unsigned long long>(entry.disk_offset), entry.length,
                    IsoTime(entry.timestamp).c_str(), status);
      std::cout << row;
    }
    if (!data.ok()) failure = data.error();
  }
  if (as_json) {
    std::cout << "]";
    if (failure) {
      const json::object error{{"code", hvr::CodeName(failure->code())}, {"message", failure->message()}};
      std::cout << ",\"error\":" << json::serialize(error);
    }
    std::cout << "}\n";
  }
  std::cout.flush();
  return failure ? ReportError(*failure) : 0;
}

int Apply(const std::vector<std::string>& args) {
  po::options_description options("hrl apply");
  options.add_options()("log", po::value<std::vector<std::string>>()->required(), "logs, oldest first")(
      "to", po::value<std::string>()->required(), "the raw image to update")(
      "after", po::value<std::string>(), "UniqueId of the last log already applied to the image")(
      "copy", "copy the logs' data into memory instead of reading it back from the logs");
  po::positional_options_description positional;
  positional.add("log", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  const auto logs = vm["log"].as<std::vector<std::string>>();
  const std::string image_path = vm["to"].as<std::string>();
  hvr::CoalesceOptions coalesce;
  coalesce.copy_data = vm.count("copy") > 0;
  if (vm.count("after")) {
    auto after = hvr::Guid::Parse(vm["after"].as<std::string>());
    if (!after.ok()) return UsageError("hrl apply: --after: " + after.error().message());
    coalesce.previous_unique_id = *after;
  }

  auto image = hvr::File::Open(image_path, hvr::File::Mode::kReadWrite);
  if (!image.ok()) return ReportError(image.error());
  auto size = image->Size();
  if (!size.ok()) return ReportError(size.error());
  // Every log is read and verified before the image is touched: a bad log changes
  // nothing.
  hvr::ExtentMap map;
  auto summary = hvr::CoalesceLogs(logs, *size, map, coalesce);
  if (!summary.ok()) return ReportError(summary.error());
  uint64_t page_writes = 0;
  uint64_t page_bytes = 0;
  hvr::Status applied = map.ForEachPageWrite(
      [&](uint64_t offset, std::span<uint8_t> out) { return image->ReadAt(offset, out); },
      [&](uint64_t offset, std::span<const uint8_t> data) {
        ++page_writes;
        page_bytes += data.size();
        return image->WriteAt(offset, data);
      });
  if (applied.ok()) applied = image->Sync();
  if (!applied.ok()) return ReportError(applied.error());
  std::cout << "applied " << summary->logs.size() << " log(s), " << summary->entries << " writes of "
            << summary->logged_bytes << " bytes, to " << image_path << ": " << map.ChangedBytes()
            << " bytes changed, " << page_writes << " page writes of " << page_bytes << " bytes\n"
            << "last log applied: " << summary->logs.back().unique_id.ToString() << "\n";
  return 0;
}

}  // namespace

std::vector<Command> HrlCommands() {
  return {
      {{"hrl", "inspect"},
       "LOG [--json] [--disk-size BYTES]",
       "print a replica log's header and every entry, verifying every checksum",
       Inspect},
      {{"hrl", "apply"},
       "LOG... --to IMAGE [--after UNIQUEID] [--copy]",
       "apply replica logs, oldest first and chain-checked, to a raw image",
       Apply},
  };
}

}  // namespace hvrepl
