// The disk handle of the C ABI, shared by the files whose calls take one (disks,
// chunk-diff, stores), and the conversion options, which the deprecated hvr_disk_convert
// copies to add its token and progress arguments.
#pragma once

#include <memory>
#include <vector>

#include "capi_internal.hpp"
#include "hvr.h"
#include "hvr/disk_convert.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_writer.hpp"
#include "platform/shared_mutex.hpp"

struct hvr_disk {
  std::unique_ptr<hvr::DiskReader> reader;
  hvr::DiskWriter* writer = nullptr;  // the same object as reader, when writable
  // A write may change the identity hvr_disk_get_info copies (the first VHDX write gives
  // a new DataWriteGuid): writes share this lock, info takes it alone.
  mutable hvr::SharedMutex info_mu;
};

struct hvr_convert_options {
  hvr::ConvertOptions options;
  hvr::capi::ProgressAndCancel controls;
};

namespace hvr::capi {

// Hands `ranges` to the caller as an array freed with hvr_disk_ranges_free.
void OutputRanges(const std::vector<ByteRange>& ranges, hvr_disk_range** out_ranges,
                  size_t* out_count);

}  // namespace hvr::capi
