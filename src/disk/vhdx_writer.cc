#include "disk/vhdx_writer.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "disk/disk_checks.hpp"
#include "disk/sector_writes.hpp"
#include "util/zero.hpp"
#include "util/endian.hpp"

namespace hvr {

using vhdx::kLogSectorSize;
using vhdx::kMiB;

Result<std::unique_ptr<VhdxWriter>> VhdxWriter::Open(const std::string& path, const WriteOptions& options,
                                                     ChainContext& chain) {
  HVR_ASSIGN_OR_RETURN(auto image, vhdx::LoadImage(path, vhdx::OpenMode::kWritable, chain));
  if (image->header.header.log_length == 0) {
    return Error(Code::kUnsupported, path + ": the file has no log, and hvr changes VHDX metadata only "
                                            "through the log");
  }
  return std::unique_ptr<VhdxWriter>(new VhdxWriter(std::move(image), options));
}

VhdxWriter::VhdxWriter(std::unique_ptr<vhdx::Image> image, const WriteOptions& options)
    : image_(std::move(image)), requested_data_write_guid_(options.data_write_guid) {
  allocation_end_ = std::max(image_->structures_end, RoundUp(image_->file.size(), kMiB));
  log_capacity_ = vhdx::MaxUpdatesPerEntry(image_->header.header.log_length);
}

VhdxWriter::~VhdxWriter() {
  std::lock_guard lock(mu_);
  if (!closed_) (void)CloseLocked();
}

Status VhdxWriter::Read(uint64_t offset, std::span<uint8_t> out) const {
  std::lock_guard lock(mu_);
  HVR_RETURN_IF_ERROR(CheckRange(image_->info, offset, out.size()));
  return ReadThroughMap(image_->map, image_->file, image_->parent.get(), offset, out);
}

Result<std::vector<ByteRange>> VhdxWriter::AllocatedRanges() const {
  std::lock_guard lock(mu_);
  return AllocatedRangesThroughMap(image_->map, image_->parent.get());
}

RangeList VhdxWriter::OwnDataRanges() const {
  std::lock_guard lock(mu_);
  return image_->map.OwnDataRanges();
}

RangeList VhdxWriter::OwnZeroRanges() const {
  std::lock_guard lock(mu_);
  return image_->map.ZeroRanges();
}

Status VhdxWriter::BeginModification(bool user_visible) {
  if (closed_) return Error(Code::kInvalidArgument, image_->path() + ": the writer is closed");
  if (session_started_ && (data_guid_changed_ || !user_visible)) return Ok();
  vhdx::Header next = image_->header.header;
  if (!session_started_) {
    // MS-VHDX 2.2.2: a new FileWriteGuid before the first modification, and a new LogGuid
    // before the log is written, so entries of earlier sessions never replay.
    next.file_write_guid = Guid::Random();
    next.log_guid = Guid::Random();
  }
  if (user_visible) next.data_write_guid = requested_data_write_guid_.value_or(Guid::Random());
  HVR_RETURN_IF_ERROR(vhdx::WriteHeaders(*image_, next));
  session_started_ = true;
  data_guid_changed_ = data_guid_changed_ || user_visible;
  image_->info.file_write_guid = next.file_write_guid;
  image_->info.data_write_guid = next.data_write_guid;
  return Ok();
}

Status VhdxWriter::Write(uint64_t offset, std::span<const uint8_t> data) {
  std::lock_guard lock(mu_);
  HVR_RETURN_IF_ERROR(CheckRange(image_->info, offset, data.size()));
  if (data.empty()) return Ok();
  HVR_RETURN_IF_ERROR(BeginModification(true));
  return WriteLocked(offset, data);
}

Status VhdxWriter::WriteLocked(uint64_t offset, std::span<const uint8_t> data) {
  return WriteWholeSectors(
      offset, data, image_->metadata.logical_sector_size, image_->map.block_size(),
      [&](uint64_t at, std::span<uint8_t> out) {
        return ReadThroughMap(image_->map, image_->file, image_->parent.get(), at, out);
      },
      [&](uint64_t block, uint64_t in_block, std::span<const uint8_t> part) {
        return WriteBlockPart(block, in_block, part);
      });
}

Status VhdxWriter::WriteBlockPart(uint64_t block, uint64_t in_block, std::span<const uint8_t> part) {
  BlockMap& map = image_->map;
  const vhdx::BatGeometry& g = image_->geometry;
  const uint64_t ss = map.sector_size();
  const BlockState state = map.state(block);
  payload_dirty_ = true;
  if (state == BlockState::kPresent) {
    return image_->file.WriteAt(map.file_offset(block) + in_block, part);
  }
  if (state == BlockState::kPartial) {
    const uint64_t offset = map.file_offset(block);
    HVR_RETURN_IF_ERROR(CommitIfFull());
    HVR_RETURN_IF_ERROR(image_->file.WriteAt(offset + in_block, part));
    map.MarkSectors(block, in_block / ss, part.size() / ss);
    if (map.AllSectorsMarked(block)) {
      // Every sector is here now: the block no longer needs its bitmap.
      map.Set(block, BlockState::kPresent, offset);
      SetBatEntry(g.PayloadIndex(block), vhdx::MakeEntry(static_cast<uint8_t>(vhdx::PayloadState::kFullyPresent), offset));
    } else {
      dirty_bitmap_blocks_.insert(block);
    }
    return Ok();
  }
  // Not stored here yet: a new block. In a differencing file a block the parent provides
  // becomes partially present (only the written sectors are ours); otherwise the block
  // reads as zeros around the write, which the new, zero-filled space gives.
  HVR_RETURN_IF_ERROR(CommitIfFull());
  const bool whole = in_block == 0 && part.size() == map.BlockLength(block);
  const bool partial = image_->metadata.has_parent && state == BlockState::kAbsent && !whole;
  if (partial) HVR_RETURN_IF_ERROR(EnsureBitmapBlock(block / g.chunk_ratio));
  HVR_ASSIGN_OR_RETURN(const uint64_t offset, Allocate(g.block_size));
  HVR_RETURN_IF_ERROR(image_->file.WriteAt(offset + in_block, part));
  if (partial) {
    map.Set(block, BlockState::kPartial, offset);
    map.MarkSectors(block, in_block / ss, part.size() / ss);
    dirty_bitmap_blocks_.insert(block);
    SetBatEntry(g.PayloadIndex(block), vhdx::MakeEntry(static_cast<uint8_t>(vhdx::PayloadState::kPartiallyPresent), offset));
  } else {
    map.Set(block, BlockState::kPresent, offset);
    SetBatEntry(g.PayloadIndex(block), vhdx::MakeEntry(static_cast<uint8_t>(vhdx::PayloadState::kFullyPresent), offset));
  }
  return Ok();
}

Status VhdxWriter::WriteZeros(uint64_t offset, uint64_t length) {
  std::lock_guard lock(mu_);
  HVR_RETURN_IF_ERROR(CheckRange(image_->info, offset, length));
  if (length == 0) return Ok();
  HVR_RETURN_IF_ERROR(BeginModification(true));
  return ZeroLocked(offset, length);
}

Status VhdxWriter::ZeroLocked(uint64_t offset, uint64_t length) {
  BlockMap& map = image_->map;
  const uint64_t bs = map.block_size();
  const bool differencing = image_->metadata.has_parent;
  const bool keep_allocated = image_->metadata.leave_block_allocated && !differencing;
  const uint64_t end = offset + length;
  for (uint64_t pos = offset; pos < end;) {
    const uint64_t block = pos / bs;
    const uint64_t n = std::min(bs - pos % bs, end - pos);
    const BlockState state = map.state(block);
    const bool reads_zero = state == BlockState::kZero || (state == BlockState::kAbsent && !differencing);
    if (reads_zero) {
      // Nothing to do.
    } else if (pos % bs == 0 && n == map.BlockLength(block) && !keep_allocated) {
      HVR_RETURN_IF_ERROR(CommitIfFull());
      map.Set(block, BlockState::kZero, 0);
      SetBatEntry(image_->geometry.PayloadIndex(block),
                  vhdx::MakeEntry(static_cast<uint8_t>(vhdx::PayloadState::kZero), 0));
    } else if (state == BlockState::kPresent && pos % bs == 0 && n == map.BlockLength(block)) {
      // A fixed file keeps its blocks: give the space back to the file system instead.
      payload_dirty_ = true;
      HVR_RETURN_IF_ERROR(image_->file.file().PunchHole(map.file_offset(block), n));
    } else {
      for (uint64_t done = 0; done < n;) {
        const uint64_t chunk = std::min<uint64_t>(ZeroMiB().size(), n - done);
        HVR_RETURN_IF_ERROR(WriteLocked(pos + done, ZeroMiB().first(static_cast<size_t>(chunk))));
        done += chunk;
      }
    }
    pos += n;
  }
  return Ok();
}

Result<uint64_t> VhdxWriter::Allocate(uint64_t length) {
  const uint64_t offset = allocation_end_;
  const uint64_t end = offset + RoundUp(length, kMiB);
  HVR_RETURN_IF_ERROR(image_->file.Resize(end));  // new space reads as zeros
  allocation_end_ = end;
  return offset;
}

Status VhdxWriter::EnsureBitmapBlock(uint64_t chunk) {
  const uint64_t index = image_->geometry.BitmapIndex(chunk);
  if (vhdx::EntryState(image_->bat[index]) == vhdx::kBitmapPresent) return Ok();
  HVR_ASSIGN_OR_RETURN(const uint64_t offset, Allocate(vhdx::kSectorBitmapBlockSize));
  SetBatEntry(index, vhdx::MakeEntry(vhdx::kBitmapPresent, offset));
  return Ok();
}

void VhdxWriter::SetBatEntry(uint64_t index, uint64_t entry) {
  image_->bat[index] = entry;
  dirty_bat_pages_.insert(index * 8 / kLogSectorSize);
}

// Commits first when the next block's changes might not fit the same log entry, so every
// commit is one entry and therefore atomic.
Status VhdxWriter::CommitIfFull() {
  const uint64_t bitmap_bytes = image_->geometry.SectorsPerBlock() / 8;
  const uint64_t pages_per_bitmap = (bitmap_bytes + kLogSectorSize - 1) / kLogSectorSize + 1;
  const uint64_t pending = dirty_sectors_.size() + dirty_bat_pages_.size() +
                           dirty_bitmap_blocks_.size() * pages_per_bitmap;
  // One block may dirty two BAT pages (its entry and its chunk's bitmap entry) and the
  // pages of its bitmap.
  if (pending + 2 + pages_per_bitmap <= log_capacity_) return Ok();
  return Commit();
}

Result<std::vector<vhdx::SectorUpdate>> VhdxWriter::PendingUpdates() {
  std::vector<vhdx::SectorUpdate> updates;
  ImageFile& file = image_->file;
  for (const auto& [offset, data] : dirty_sectors_) updates.push_back({offset, data});

  // Sector bitmap pages: the page as it is in the file, with the bits of every block this
  // session changed laid over it.
  const vhdx::BatGeometry& g = image_->geometry;
  const uint64_t bitmap_bytes = g.SectorsPerBlock() / 8;
  std::map<uint64_t, std::array<uint8_t, kLogSectorSize>> pages;
  for (const uint64_t block : dirty_bitmap_blocks_) {
    const std::vector<uint64_t>* bits = image_->map.bitmap(block);
    if (bits == nullptr) continue;  // became fully present: its bits no longer matter
    std::vector<uint8_t> bytes(bits->size() * 8);
    for (size_t w = 0; w < bits->size(); ++w) StoreLE<uint64_t>(bytes.data() + w * 8, (*bits)[w]);
    const uint64_t start = vhdx::EntryFileOffset(image_->bat[g.BitmapIndex(block / g.chunk_ratio)]) +
                           g.BitmapByteOffset(block);
    for (uint64_t page = RoundDown(start, kLogSectorSize); page < start + bitmap_bytes; page += kLogSectorSize) {
      auto [it, added] = pages.try_emplace(page);
      if (added) HVR_RETURN_IF_ERROR(file.ReadAt(page, it->second));
      const uint64_t from = std::max(page, start);
      const uint64_t to = std::min(page + kLogSectorSize, start + bitmap_bytes);
      std::memcpy(it->second.data() + (from - page), bytes.data() + (from - start), to - from);
    }
  }
  for (const auto& [offset, data] : pages) updates.push_back({offset, data});

  const uint64_t bat_offset = image_->regions.bat.file_offset;
  const uint64_t per_page = kLogSectorSize / 8;
  for (const uint64_t page : dirty_bat_pages_) {
    vhdx::SectorUpdate u{bat_offset + page * kLogSectorSize, {}};
    HVR_RETURN_IF_ERROR(file.ReadAt(u.file_offset, u.data));
    const uint64_t last = std::min<uint64_t>((page + 1) * per_page, image_->bat.size());
    for (uint64_t i = page * per_page; i < last; ++i) {
      StoreLE<uint64_t>(u.data.data() + (i - page * per_page) * 8, image_->bat[i]);
    }
    updates.push_back(u);
  }
  return updates;
}

Status VhdxWriter::Commit() {
  ImageFile& file = image_->file;
  if (dirty_sectors_.empty() && dirty_bat_pages_.empty() && dirty_bitmap_blocks_.empty()) {
    if (payload_dirty_) HVR_RETURN_IF_ERROR(file.Sync());
    payload_dirty_ = false;
    return Ok();
  }
  // 1. The payload and the file size the new metadata relies on are durable first.
  HVR_RETURN_IF_ERROR(file.Sync());
  payload_dirty_ = false;
  HVR_ASSIGN_OR_RETURN(std::vector<vhdx::SectorUpdate> updates, PendingUpdates());
  const vhdx::Header& header = image_->header.header;
  // Normally one entry (CommitIfFull sees to it); updates are ordered so that if a
  // commit ever needs several, each prefix is consistent: metadata, bitmaps, then BAT.
  for (size_t first = 0; first < updates.size();) {
    const size_t count = static_cast<size_t>(std::min<uint64_t>(log_capacity_, updates.size() - first));
    const std::span<const vhdx::SectorUpdate> part(updates.data() + first, count);
    const uint64_t size = vhdx::LogEntrySize(part);
    if (log_head_ + size > header.log_length) log_head_ = 0;
    vhdx::LogEntryFields fields;
    fields.log_guid = header.log_guid;
    fields.sequence_number = next_sequence_++;
    fields.tail = static_cast<uint32_t>(log_head_);  // every earlier entry is applied
    fields.flushed_file_offset = RoundDown(file.size(), kMiB);
    fields.last_file_offset = RoundUp(allocation_end_, kMiB);
    // 2. The entry, durable.
    HVR_RETURN_IF_ERROR(Step("log entry"));
    HVR_RETURN_IF_ERROR(file.WriteAt(header.log_offset + log_head_, vhdx::EncodeLogEntry(fields, part)));
    HVR_RETURN_IF_ERROR(file.Sync());
    // 3. The sectors in place, durable: the entry is no longer needed.
    HVR_RETURN_IF_ERROR(Step("apply"));
    for (const vhdx::SectorUpdate& u : part) HVR_RETURN_IF_ERROR(file.WriteAt(u.file_offset, u.data));
    HVR_RETURN_IF_ERROR(file.Sync());
    log_head_ += size;
    first += count;
  }
  dirty_sectors_.clear();
  dirty_bat_pages_.clear();
  dirty_bitmap_blocks_.clear();
  return Ok();
}

Status VhdxWriter::Flush() {
  std::lock_guard lock(mu_);
  if (closed_) return Error(Code::kInvalidArgument, image_->path() + ": the writer is closed");
  return Commit();
}

Status VhdxWriter::Close() {
  std::lock_guard lock(mu_);
  if (closed_) return Error(Code::kInvalidArgument, image_->path() + ": the writer is closed");
  return CloseLocked();
}

Status VhdxWriter::CloseLocked() {
  closed_ = true;
  HVR_RETURN_IF_ERROR(Commit());
  if (!session_started_) return Ok();
  // Everything is applied: an empty log (zero LogGuid) lets any reader open the file
  // without replaying, read-only ones included.
  vhdx::Header next = image_->header.header;
  next.log_guid = Guid();
  HVR_RETURN_IF_ERROR(Step("clear log"));
  return vhdx::WriteHeaders(*image_, next);
}

void VhdxWriter::SetFaultHookForTesting(std::function<Status(std::string_view step)> hook) {
  std::lock_guard lock(mu_);
  fault_hook_ = std::move(hook);
}

Status VhdxWriter::Step(std::string_view step) {
  if (!fault_hook_) return Ok();
  Status s = fault_hook_(step);
  if (!s.ok()) closed_ = true;  // a crash: nothing more reaches the file
  return s;
}

Status VhdxWriter::UpdateMetadata(const std::function<void(vhdx::DiskMetadata&)>& change, bool user_visible) {
  std::lock_guard lock(mu_);
  HVR_RETURN_IF_ERROR(BeginModification(user_visible));
  vhdx::DiskMetadata updated = image_->metadata;
  change(updated);
  const vhdx::DiskMetadata& old = image_->metadata;
  if (updated.virtual_size != old.virtual_size || updated.block_size != old.block_size ||
      updated.logical_sector_size != old.logical_sector_size ||
      updated.physical_sector_size != old.physical_sector_size || updated.has_parent != old.has_parent) {
    return Error(Code::kUnsupported, image_->path() + ": changing the size, block size, sector sizes or "
                                                      "parent flag of a VHDX is not supported");
  }
  const vhdx::RegionEntry& region = image_->regions.metadata;
  HVR_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, vhdx::EncodeMetadataRegion(vhdx::ItemsFor(updated), region.length));
  HVR_ASSIGN_OR_RETURN(vhdx::DiskMetadata parsed,
                       vhdx::DecodeMetadataRegion(bytes, image_->path() + ": new metadata region"));
  std::vector<uint8_t> current(region.length);
  HVR_RETURN_IF_ERROR(image_->file.ReadAt(region.file_offset, current));
  size_t changed = 0;
  for (uint64_t at = 0; at < region.length; at += kLogSectorSize) {
    if (std::memcmp(bytes.data() + at, current.data() + at, kLogSectorSize) != 0) ++changed;
  }
  if (changed + 2 > log_capacity_) {
    return Error(Code::kUnsupported, image_->path() + ": the metadata change touches " + std::to_string(changed) +
                                         " sectors, more than one log entry holds");
  }
  HVR_RETURN_IF_ERROR(Commit());  // the metadata change gets an entry of its own
  for (uint64_t at = 0; at < region.length; at += kLogSectorSize) {
    if (std::memcmp(bytes.data() + at, current.data() + at, kLogSectorSize) == 0) continue;
    auto& sector = dirty_sectors_[region.file_offset + at];
    std::memcpy(sector.data(), bytes.data() + at, kLogSectorSize);
  }
  HVR_RETURN_IF_ERROR(Commit());
  image_->metadata = std::move(parsed);
  image_->info = vhdx::MakeInfo(*image_);
  return Ok();
}

}  // namespace hvr
