// hvrepl hrl ...: Hyper-V Replica Log files.
//   hvrepl hrl inspect LOG [--json] [--disk-size SIZE]
//   hvrepl hrl apply LOG... --to IMAGE [--after UNIQUEID] [--copy]
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>

#include "arguments.hpp"
#include "command.hpp"
#include "hvr/extent_map.hpp"
#include "hvr/hrl.hpp"
#include "hvr/hrl_coalesce.hpp"
#include "store/time_text.hpp"
#include "util/file.hpp"
#include "util/hex.hpp"

namespace hvrepl {
namespace {

namespace json = boost::json;

std::string IsoTime(uint32_t hrl_time) { return hvr::FormatUtcSeconds(hvr::FromHrlTime(hrl_time)); }

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

int InspectLog(const std::string& path, bool as_json, uint64_t disk_size) {
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

Runner Inspect(CLI::App& app) {
  struct Args {
    std::string log;
    bool json = false;
    std::optional<uint64_t> disk_size;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "LOG", a->log, "the replica log (.hrl)");
  app.add_flag("--json", a->json, "print JSON");
  AddSize(app, "--disk-size", a->disk_size, "refuse writes beyond this many bytes (default: no limit)");
  return [a] { return InspectLog(a->log, a->json, a->disk_size.value_or(std::numeric_limits<uint64_t>::max())); };
}

int ApplyLogs(const std::vector<std::string>& logs, const std::string& image_path,
              const hvr::CoalesceOptions& coalesce) {
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

Runner Apply(CLI::App& app) {
  struct Args {
    std::vector<std::string> logs;
    std::string image;
    std::optional<hvr::Guid> after;
    hvr::CoalesceOptions coalesce;
  };
  auto a = std::make_shared<Args>();
  AddPositional(app, "LOG", a->logs, "the logs, oldest first");
  AddText(app, "--to", a->image, "the raw image to update", "IMAGE")->required();
  AddParsed(app, "--after", a->after, hvr::Guid::Parse,
            "the UniqueId of the last log already applied to the image: the first LOG must follow it", "UNIQUEID");
  app.add_flag("--copy", a->coalesce.copy_data,
               "copy the logs' data into memory instead of reading it back from the logs");
  return [a] {
    hvr::CoalesceOptions coalesce = a->coalesce;
    if (a->after) coalesce.previous_unique_id = *a->after;
    return ApplyLogs(a->logs, a->image, coalesce);
  };
}

}  // namespace

std::vector<Command> HrlCommands() {
  return {
      {.words = {"hrl", "inspect"},
       .summary = "print a replica log's header and every entry, verifying every checksum",
       .description = "Reads a Hyper-V Replica Log (MS-HRL) as replication does, verifying the checksums of its "
                      "header, metadata blocks, entries and data, and prints the header and one line per write. "
                      "The listing streams, so a log of any size is read in bounded memory; a damaged log ends "
                      "it with the error, and a log that was not closed exits 4 (resync).",
       .examples = {{"/vms/sql01/disk0-000002.hrl", ""}, {"--json /vms/sql01/disk0-000002.hrl --disk-size 64G", ""}},
       .declare = Inspect},
      {.words = {"hrl", "apply"},
       .summary = "apply replica logs, oldest first and chain-checked, to a raw image",
       .description = "Applies the writes of replica logs to a raw image, last writer winning, in the fewest "
                      "page writes. Each log must follow the one before it (its PreviousUniqueId), and the first "
                      "must follow --after when given. Every log is read and verified before the image is "
                      "touched: a damaged log or a gap in the chain changes nothing.",
       .examples = {{"disk0-000001.hrl disk0-000002.hrl --to disk0.raw", ""},
                    {"disk0-000003.hrl --to disk0.raw --after 5a0c1f3e-8d2b-4c6a-9e7f-1b2c3d4e5f60",
                     "continue the chain applied before"}},
       .declare = Apply},
  };
}

}  // namespace hvrepl
