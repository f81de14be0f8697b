// A VHDX opened for writing. Payload goes straight to the file; BAT and sector bitmap
// changes are kept in memory and committed through the log (MS-VHDX 2.3) by Flush, by
// Close, and whenever they would no longer fit one log entry. A commit is: sync the
// payload, write one log entry, sync, write the sectors in place, sync. A crash anywhere
// leaves a file whose replay gives the state of the last complete commit.
//
// The first modification updates the headers (new FileWriteGuid and LogGuid, and a new
// DataWriteGuid when the virtual content changes); Close empties the log again.
// Thread-safe: every call takes one lock.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "disk/disk_chain.hpp"
#include "disk/vhdx_image.hpp"
#include "disk/vhdx_log.hpp"
#include "hvr/disk_writer.hpp"

namespace hvr {

class VhdxWriter final : public DiskWriter {
 public:
  static Result<std::unique_ptr<VhdxWriter>> Open(const std::string& path, const WriteOptions& options,
                                                  ChainContext& chain);
  ~VhdxWriter() override;

  const DiskInfo& info() const override { return image_->info; }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<std::vector<ByteRange>> AllocatedRanges() const override;
  const DiskReader* parent() const override { return image_->parent.get(); }

  Status Write(uint64_t offset, std::span<const uint8_t> data) override;
  Status WriteZeros(uint64_t offset, uint64_t length) override;
  Status Flush() override;
  Status Close() override;

  // Rewrites the metadata region through the log after `change` edits a copy of it
  // (parent locator, virtual disk id). Size, block size, sector sizes and HasParent
  // cannot change. `user_visible`: the guest would see the change (new DataWriteGuid).
  Status UpdateMetadata(const std::function<void(vhdx::DiskMetadata&)>& change, bool user_visible);

  // This layer's own data and zeroed ranges (not the parent's), for merging.
  RangeList OwnDataRanges() const;
  RangeList OwnZeroRanges() const;

  // Tests: called before each step that changes the file during a commit or close
  // ("log entry", "apply", "clear log"). An error stops right there and abandons the
  // writer, leaving the file exactly as a crash at that point would.
  void SetFaultHookForTesting(std::function<Status(std::string_view step)> hook);

 private:
  VhdxWriter(std::unique_ptr<vhdx::Image> image, const WriteOptions& options);

  Status BeginModification(bool user_visible);
  Status WriteLocked(uint64_t offset, std::span<const uint8_t> data);
  Status WriteBlockPart(uint64_t block, uint64_t in_block, std::span<const uint8_t> part);
  Status ZeroLocked(uint64_t offset, uint64_t length);
  Result<uint64_t> Allocate(uint64_t length);
  Status EnsureBitmapBlock(uint64_t chunk);
  void SetBatEntry(uint64_t index, uint64_t entry);
  Status CommitIfFull();
  Status Commit();
  Result<std::vector<vhdx::SectorUpdate>> PendingUpdates();
  Status CloseLocked();
  Status Step(std::string_view step);

  mutable std::mutex mu_;
  std::unique_ptr<vhdx::Image> image_;
  std::optional<Guid> requested_data_write_guid_;
  bool session_started_ = false;     // headers updated, LogGuid set
  bool data_guid_changed_ = false;
  bool payload_dirty_ = false;
  bool closed_ = false;
  uint64_t log_head_ = 0;
  uint64_t next_sequence_ = 1;
  uint64_t allocation_end_ = 0;
  uint64_t log_capacity_ = 0;        // updates one log entry can hold
  std::set<uint64_t> dirty_bat_pages_;      // 4 KiB pages of the BAT region
  std::set<uint64_t> dirty_bitmap_blocks_;  // payload blocks whose sector bits changed
  std::map<uint64_t, std::array<uint8_t, vhdx::kLogSectorSize>> dirty_sectors_;  // metadata region
  std::function<Status(std::string_view)> fault_hook_;
};

}  // namespace hvr
