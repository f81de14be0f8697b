#include "hvr/hrl_coalesce.hpp"

#include <memory>

#include "hrl/hrl_format.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

// Progress goes out at most this often (in log bytes), and at the end of each log.
constexpr uint64_t kProgressStep = 16 << 20;

}  // namespace

Result<CoalesceSummary> CoalesceLogs(std::span<const std::string> paths, uint64_t disk_virtual_size,
                                     ExtentMap& map, const CoalesceOptions& options) {
  CoalesceSummary summary;
  uint64_t total = 0;
  for (const std::string& path : paths) {
    HVR_ASSIGN_OR_RETURN(HrlHeader header, ReadHrlHeader(path));
    HVR_RETURN_IF_ERROR(hrl::CheckComplete(header));
    total += header.eol_location;
    summary.logs.push_back(std::move(header));
  }
  HVR_RETURN_IF_ERROR(CheckLogChain(summary.logs, options.previous_unique_id));

  uint64_t done = 0;
  uint64_t reported = 0;
  std::vector<uint8_t> data;
  for (const std::string& path : paths) {
    HVR_ASSIGN_OR_RETURN(HrlReader reader, HrlReader::Open(path, disk_virtual_size, options.reader));
    ExtentMap::SourceId source = 0;
    if (!options.copy_data) {
      HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kRead));
      auto shared = std::make_shared<File>(std::move(file));
      source = map.AddSource([shared](uint64_t offset, std::span<uint8_t> out) {
        return shared->ReadAt(offset, out);
      });
    }
    HrlEntry entry;
    for (;;) {
      HVR_RETURN_IF_ERROR(CancelToken::Check(options.cancel, "coalescing logs"));
      HVR_ASSIGN_OR_RETURN(const bool more, reader.Next(entry));
      if (!more) break;
      if (options.copy_data) {
        data.resize(entry.length);
        HVR_RETURN_IF_ERROR(reader.ReadData(data));  // all of it, and verified
        HVR_RETURN_IF_ERROR(map.Add(entry.disk_offset, data));
      } else {
        // Verified when the next Next() reads past it, before anything uses the map.
        HVR_RETURN_IF_ERROR(map.AddReference(entry.disk_offset, entry.length, source, entry.data_location));
      }
      ++summary.entries;
      summary.logged_bytes += entry.length;
      if (options.progress && done + entry.data_location - reported >= kProgressStep) {
        reported = done + entry.data_location;
        options.progress(reported, total);
      }
    }
    done += reader.header().eol_location;
    reported = done;
    if (options.progress) options.progress(done, total);
  }
  return summary;
}

}  // namespace hvr
