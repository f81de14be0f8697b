// Writing Hyper-V Replica Log files (MS-HRL) as the specification lays them out: a
// header, an empty first metadata block, then the data of each write followed, once a
// block of entries is full or a flush is asked for, by the metadata block describing
// it. The header says EOLLocation 0 until the log is closed, as the specification wants
// of a log in use, so a log that was never closed reads as such (kLogNotClosed).
//
// Most embedders want ChangeTracker (hvr/change_tracker.hpp), which names, rotates and
// chains logs; HrlWriter is the single-file layer under it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"
#include "hvr/hrl.hpp"

namespace hvr {

class HrlOutputFactory;  // internal: src/hrl/hrl_output.hpp

struct HrlWriterOptions {
  Guid unique_id;           // zero: a random one
  Guid previous_unique_id;  // the log this one follows; zero for the first of a chain
  // Stamped as Vhd2DataWriteGuid (version 2): the disk's DataWriteGuid while tracked.
  Guid data_write_guid;
  uint32_t format_version = kHrlVersion2;  // kHrlVersion1 writes no Vhd2DataWriteGuid
  // A multiple of 512 from 512 to 1 MiB; each block holds (size - 32) / 32 entries.
  uint32_t metadata_size = kHrlDefaultMetadataSize;
  // Writes reaching beyond this are refused, as the reader would refuse them.
  uint64_t disk_virtual_size = UINT64_MAX;
  // Data is gathered up to this many bytes before it is written to the file.
  size_t buffer_size = 1 << 20;
  const Clock* clock = nullptr;  // timestamps; null: the system clock
  // Where the log's bytes go; null: the file at the path. A seam for hvr's own tests,
  // which make it fail as a full disk does.
  const HrlOutputFactory* output = nullptr;
};

// One log file being written. Not thread-safe (ChangeTracker adds the locking).
// Durability: Create makes the new, empty and unclosed log durable (the file and its
// folder entry) before it returns; Close makes everything durable, data before header.
// In between, Append only gathers writes in memory and in the OS, and a crash leaves
// an unclosed log that readers refuse with kLogNotClosed: never a log that silently
// lacks writes.
class HrlWriter {
 public:
  // Creates a new log at `path`; fails with kConflict if the file exists.
  static Result<HrlWriter> Create(const std::string& path, HrlWriterOptions options = {});

  HrlWriter(HrlWriter&& other) noexcept;
  HrlWriter& operator=(HrlWriter&& other) noexcept;
  ~HrlWriter();  // does not close: an unclosed log stays unclosed

  // Records a write of `data` at `disk_offset`, stamped with the clock's time. Writes
  // of more than 16 MiB become several entries (which keeps every recorded
  // DataChecksum nonzero, see docs/hrl-format.md). Empty writes record nothing.
  Status Append(uint64_t disk_offset, std::span<const uint8_t> data);

  // Writes the gathered data and the metadata block describing it to the file (to the
  // OS, not to the disk: see Close). Does nothing when no write is pending.
  Status Flush();

  // Flushes, makes the data durable, then writes EOLLocation, CurrentSize,
  // TotalMetadataEntries and LastModifiedTimeStamp into the header and makes that
  // durable. After a failure the log stays unclosed and the writer refuses more work.
  Status Close();

  // The header as it stands (UniqueId, PreviousUniqueId...); EOLLocation is 0 until
  // Close succeeds.
  const HrlHeader& header() const;
  const std::string& path() const;
  uint64_t entry_count() const;  // entries appended so far
  uint64_t size() const;         // bytes of the log once what is gathered is written

 private:
  struct Impl;
  explicit HrlWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hvr
