#include "session/log_shipping.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>

#include "diff/chunk_hash.hpp"
#include "hvr/change_tracker.hpp"
#include "store/page_writer.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {

Result<PendingLogs> FindPendingLogs(const DiskSpec& disk, const DiskState& state) {
  HVR_ASSIGN_OR_RETURN(const auto closed, ListClosedLogs(disk.log_folder, disk.log_name));
  const std::set<std::string> obsolete(state.obsolete_logs.begin(), state.obsolete_logs.end());
  PendingLogs logs;
  for (const std::string& path : closed) {
    if (obsolete.count(path)) {
      logs.obsolete.push_back(path);
      continue;
    }
    HVR_ASSIGN_OR_RETURN(HrlHeader header, ReadHrlHeader(path));
    if (state.last_applied_log && header.unique_id == *state.last_applied_log) {
      // This log and every one before it are in the replica.
      logs.applied.insert(logs.applied.end(), logs.paths.begin(), logs.paths.end());
      logs.applied.push_back(path);
      logs.paths.clear();
      logs.headers.clear();
      logs.bytes = 0;
      continue;
    }
    std::error_code ec;
    logs.bytes += std::filesystem::file_size(PathFromUtf8(path), ec);
    logs.paths.push_back(path);
    logs.headers.push_back(std::move(header));
  }
  return logs;
}

Result<uint64_t> UnshippedLogBytes(const DiskSpec& disk, const DiskState& state) {
  HVR_ASSIGN_OR_RETURN(const PendingLogs pending, FindPendingLogs(disk, state));
  std::set<std::string> shipped(pending.applied.begin(), pending.applied.end());
  shipped.insert(pending.obsolete.begin(), pending.obsolete.end());
  HVR_ASSIGN_OR_RETURN(const auto logs, ListTrackedLogs(disk.log_folder, disk.log_name));
  uint64_t bytes = 0;
  for (const std::string& path : logs) {
    if (shipped.count(path)) continue;
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(PathFromUtf8(path), ec);
    if (!ec) bytes += size;  // a log deleted meanwhile holds nothing to ship
  }
  return bytes;
}

Result<std::vector<std::string>> ListObsoleteAtCheckpoint(const DiskSpec& disk) {
  HVR_ASSIGN_OR_RETURN(const auto all, ListTrackedLogs(disk.log_folder, disk.log_name));
  HVR_ASSIGN_OR_RETURN(const auto closed, ListClosedLogs(disk.log_folder, disk.log_name));
  const std::set<std::string> closed_set(closed.begin(), closed.end());
  std::vector<std::string> obsolete;
  for (size_t i = 0; i < all.size(); ++i) {
    // Names sort in log order: an unclosed log with a newer one after it is no longer
    // written. A damaged header is neither closed nor readable, and is left alone.
    const bool unclosed = !closed_set.count(all[i]);
    if (unclosed && (i + 1 == all.size() || !ReadHrlHeader(all[i]).ok())) continue;
    obsolete.push_back(all[i]);
  }
  return obsolete;
}

Status CheckPendingLogs(const PendingLogs& logs, const DiskState& state, Guid& identity) {
  identity = state.tracked_identity;
  for (const HrlHeader& header : logs.headers) {
    if (!header.vhd2_data_write_guid) continue;  // version 1 logs carry no identity
    if (identity.IsZero()) {
      identity = *header.vhd2_data_write_guid;
      continue;
    }
    if (*header.vhd2_data_write_guid != identity) {
      return Error(Code::kUntrackedModification,
                   header.path + ": Vhd2DataWriteGuid " + header.vhd2_data_write_guid->ToString() +
                       ", but the disk was tracked as " + identity.ToString() +
                       ": it was written while not tracked");
    }
  }
  return Ok();
}

Status CheckLogVolume(const PendingLogs& logs, uint64_t disk_size) {
  if (logs.bytes * 2 < disk_size) return Ok();
  return Error(Code::kResyncRequired, "the logs waiting to be shipped (" + std::to_string(logs.bytes) +
                                          " bytes) reached half the disk's size (" + std::to_string(disk_size) +
                                          "); resending what differs costs less");
}

Error ExplainChainGap(const Error& gap, const DiskSpec& disk, const PendingLogs& logs) {
  if (gap.code() != Code::kLogChainGap || logs.paths.empty()) return gap;
  auto all = ListTrackedLogs(disk.log_folder, disk.log_name);
  if (!all.ok()) return gap;
  // Names sort in log order.
  const std::string& newest = logs.paths.back();
  for (const std::string& path : *all) {
    if (path >= newest) break;
    auto header = ReadHrlHeader(path);
    if (header.ok() && !header->closed()) {
      return Error(Code::kLogNotClosed, path + " was never closed (tracking was interrupted): " + gap.message());
    }
  }
  return gap;
}

void RecordShipped(SessionState& state, const std::vector<PendingLogs>& logs, const std::vector<Guid>& identities,
                   const std::vector<uint64_t>& bytes_sent) {
  for (size_t i = 0; i < state.disks.size(); ++i) {
    DiskState& d = state.disks[i];
    if (!logs[i].headers.empty()) d.last_applied_log = logs[i].headers.back().unique_id;
    d.tracked_identity = identities[i];
    d.bytes_sent += bytes_sent[i];
    d.pending_log_bytes = 0;
  }
}

Status DeleteLogs(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    if (Status removed = RemoveFileIfExists(path); !removed.ok()) return removed.error().WithContext("delete shipped log");
  }
  return Ok();
}

Status InvalidateChanged(Manifest& manifest, ExtentMap& map) {
  for (const ByteRange& range : map.ChangedRanges()) HVR_RETURN_IF_ERROR(manifest.Invalidate(range));
  return Ok();
}

KnownZeros::KnownZeros(const Manifest& manifest) : chunk_size_(manifest.chunk_size()), zero_(manifest.chunk_count()) {
  for (uint64_t i = 0; i < manifest.chunk_count(); ++i) zero_[i] = manifest.hash(i).is_zero();
}

bool KnownZeros::Covers(const ByteRange& range) const {
  if (range.length == 0) return true;
  const uint64_t last = (range.end() - 1) / chunk_size_;
  if (last >= zero_.size()) return false;
  for (uint64_t i = range.offset / chunk_size_; i <= last; ++i) {
    if (!zero_[i]) return false;
  }
  return true;
}

Result<ApplyStats> ApplyToReplica(ExtentMap& map, const ReadFn& base, const KnownZeros& zeros,
                                  ReplicaStore& store, const std::string& replica, Manifest& manifest,
                                  const ApplyOptions& options) {
  ApplyStats stats;
  // Bytes of a joined gap come as zeros, without asking `base`.
  const ReadFn known_base = [&](uint64_t offset, std::span<uint8_t> out) -> Status {
    if (zeros.Covers({offset, out.size()})) {
      std::fill(out.begin(), out.end(), uint8_t{0});
      return Ok();
    }
    return base(offset, out);
  };
  const JoinableFn joinable = [&](const ByteRange& gap) {
    return gap.length < options.join_gap && zeros.Covers(gap);
  };
  stats.changed_bytes = map.ChangedBytes();
  std::mutex manifest_mu;
  PageWriter writer(store, replica, options.buffers);
  Status produced = map.ForEachPageWrite(
      known_base,
      [&](uint64_t offset, std::span<const uint8_t> data) -> Status {
        if (writer.failed()) return Error(Code::kCancelled, "stopped");
        HVR_ASSIGN_OR_RETURN(auto buffer, writer.TakeBuffer());
        std::memcpy(buffer.data(), data.data(), data.size());
        // Chunks this write covers whole get their hash from it.
        std::vector<std::pair<uint64_t, ChunkHash>> hashes;
        const auto [first, last] = manifest.ChunksTouching({offset, data.size()});
        for (uint64_t i = first; i < last; ++i) {
          const ByteRange chunk = manifest.ChunkRange(i);
          if (chunk.offset < offset || chunk.end() > offset + data.size()) continue;
          hashes.emplace_back(i, HashChunk(data.subspan(chunk.offset - offset, chunk.length)));
        }
        ++stats.page_writes;
        stats.bytes_sent += data.size();
        writer.Write(std::move(buffer), offset, {{size_t{0}, data.size()}}, [&, hashes = std::move(hashes)] {
          std::lock_guard lock(manifest_mu);
          for (const auto& [index, hash] : hashes) manifest.set_hash(index, hash);
        });
        return Ok();
      },
      kMaxWriteSize, options.cancel, joinable);
  Status written = writer.Finish();
  if (!written.ok()) return written.error().WithContext("writing logs to replica '" + replica + "'");
  if (!produced.ok()) return produced.error().WithContext("writing logs to replica '" + replica + "'");
  return stats;
}

ReadFn ZeroExtended(const DiskReader& disk) {
  return [&disk](uint64_t offset, std::span<uint8_t> out) -> Status {
    const uint64_t size = disk.info().virtual_size;
    const size_t inside = offset >= size ? 0 : static_cast<size_t>(std::min<uint64_t>(out.size(), size - offset));
    std::memset(out.data() + inside, 0, out.size() - inside);
    return inside ? disk.Read(offset, out.first(inside)) : Ok();
  };
}

PaddedDisk::PaddedDisk(const DiskReader& disk, uint64_t virtual_size)
    : disk_(disk), read_(ZeroExtended(disk)), info_(disk.info()) {
  info_.virtual_size = std::max(virtual_size, disk.info().virtual_size);
}

Status PaddedDisk::Read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > info_.virtual_size || out.size() > info_.virtual_size - offset) {
    return Error(Code::kInvalidArgument, info_.path + ": read past the end of the disk");
  }
  return read_(offset, out);
}

OverlayReader::OverlayReader(const DiskReader& base, ExtentMap& map, uint64_t virtual_size)
    : base_(base), read_base_(ZeroExtended(base)), map_(map), info_(base.info()) {
  info_.virtual_size = virtual_size;
}

Status OverlayReader::Read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > info_.virtual_size || out.size() > info_.virtual_size - offset) {
    return Error(Code::kInvalidArgument, info_.path + ": read past the end of the disk");
  }
  std::lock_guard lock(mu_);
  return map_.Read({offset, out.size()}, out, read_base_);
}

Result<std::vector<ByteRange>> OverlayReader::AllocatedRanges() const {
  HVR_ASSIGN_OR_RETURN(std::vector<ByteRange> ranges, base_.AllocatedRanges());
  std::lock_guard lock(mu_);
  for (const ByteRange& r : map_.ChangedRanges()) ranges.push_back(r);
  std::sort(ranges.begin(), ranges.end(), [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  std::vector<ByteRange> merged;
  for (const ByteRange& r : ranges) {
    if (!merged.empty() && r.offset <= merged.back().end()) {
      merged.back().length = std::max(merged.back().end(), r.end()) - merged.back().offset;
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

}  // namespace hvr
