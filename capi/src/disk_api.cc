// Virtual disks through the C ABI: handles over hvr::DiskReader / hvr::DiskWriter, and
// creation, merge and conversion.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "capi_internal.hpp"
#include "disk_handle.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_convert.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"

struct hvr_disk_open_options {
  hvr::OpenDiskOptions options;
};

struct hvr_disk_create_options {
  std::optional<uint32_t> block_size;
  uint32_t logical_sector_size = 512;
  uint32_t physical_sector_size = 4096;
};

struct hvr_merge_options {
  bool keep_child = false;
  hvr::capi::ProgressAndCancel controls;
};

namespace {

using hvr::capi::CheckOptions;
using hvr::capi::Fail;
using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

// A GUID into hvr_disk_info's two forms of it: the 16 bytes, and the text kept beside them.
void CopyGuid(const hvr::Guid& guid, char (&text_out)[37], uint8_t (&raw_out)[16]) {
  const std::string text = guid.ToString();
  std::memcpy(text_out, text.c_str(), sizeof text_out);
  std::memcpy(raw_out, guid.bytes.data(), sizeof raw_out);
}

hvr_status OpenHandle(const char* path, const hvr_disk_open_options* options, bool writable, hvr_disk** out,
                      const char* function) {
  HVR_CAPI_CHECK(RequireNonNull(path, function, "path"));
  HVR_CAPI_CHECK(RequireNonNull(out, function, "out"));
  const hvr::OpenDiskOptions open = options ? options->options : hvr::OpenDiskOptions{};
  auto handle = std::make_unique<hvr_disk>();
  if (writable) {
    hvr::WriteOptions write;
    write.open = open;
    auto writer = hvr::OpenDiskForWrite(path, write);
    if (!writer.ok()) return Fail(writer.error());
    handle->writer = writer->get();
    handle->reader = std::move(writer).value();
  } else {
    auto reader = hvr::OpenDisk(path, open);
    if (!reader.ok()) return Fail(reader.error());
    handle->reader = std::move(reader).value();
  }
  *out = handle.release();
  return HVR_OK;
}

hvr_status RequireWritable(const hvr_disk* disk, const char* function) {
  HVR_CAPI_CHECK(RequireNonNull(disk, function, "disk"));
  if (disk->writer == nullptr) {
    return Fail(HVR_INVALID_ARGUMENT, std::string(function) + ": the disk was opened read-only");
  }
  return HVR_OK;
}

hvr::Result<hvr::VhdxCreateOptions> CreateOptions(uint64_t virtual_size, bool fixed,
                                                  const hvr_disk_create_options* options) {
  hvr::VhdxCreateOptions create;
  create.virtual_size = virtual_size;
  create.fixed = fixed;
  if (options != nullptr) {
    if (options->block_size) create.block_size = *options->block_size;
    create.logical_sector_size = options->logical_sector_size;
    create.physical_sector_size = options->physical_sector_size;
  }
  return create;
}

}  // namespace

namespace hvr::capi {

void OutputRanges(const std::vector<ByteRange>& ranges, hvr_disk_range** out_ranges, size_t* out_count) {
  // malloc: hvr_disk_ranges_free is the way back, as for strings.
  auto* out = static_cast<hvr_disk_range*>(std::malloc(std::max<size_t>(1, ranges.size()) * sizeof(hvr_disk_range)));
  if (out == nullptr) throw std::bad_alloc();
  for (size_t i = 0; i < ranges.size(); ++i) out[i] = {ranges[i].offset, ranges[i].length};
  *out_ranges = out;
  *out_count = ranges.size();
}

}  // namespace hvr::capi

extern "C" {

hvr_status hvr_disk_open_options_create(hvr_disk_open_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_disk_open_options_destroy(hvr_disk_open_options* options) { delete options; }

hvr_status hvr_disk_open_options_set_max_chain_depth(hvr_disk_open_options* options, int depth) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    hvr::OpenDiskOptions changed = options->options;
    changed.max_chain_depth = depth;
    HVR_CAPI_CHECK(CheckOptions(changed, __func__));
    options->options = changed;
    return HVR_OK;
  });
}

hvr_status hvr_disk_open_options_set_check_vhd_parent_timestamp(hvr_disk_open_options* options, int check) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->options.check_vhd_parent_timestamp = check != 0;
    return HVR_OK;
  });
}

hvr_status hvr_disk_open_options_set_format(hvr_disk_open_options* options, hvr_disk_format format) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    if (format != HVR_DISK_FORMAT_RAW && format != HVR_DISK_FORMAT_VHD && format != HVR_DISK_FORMAT_VHDX) {
      return Fail(HVR_INVALID_ARGUMENT, std::string(__func__) + ": format " + std::to_string(format) +
                                            " is not HVR_DISK_FORMAT_RAW, _VHD or _VHDX");
    }
    options->options.format = static_cast<hvr::DiskFormat>(static_cast<int>(format));
    return HVR_OK;
  });
}

hvr_status hvr_disk_open(const char* path, const hvr_disk_open_options* options, hvr_disk** out) {
  return Guard(__func__, [&] { return OpenHandle(path, options, false, out, __func__); });
}

hvr_status hvr_disk_open_writable(const char* path, const hvr_disk_open_options* options, hvr_disk** out) {
  return Guard(__func__, [&] { return OpenHandle(path, options, true, out, __func__); });
}

hvr_status hvr_disk_detect_format(const char* path, hvr_disk_format* out_format) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(path, __func__, "path"));
    HVR_CAPI_CHECK(RequireNonNull(out_format, __func__, "out_format"));
    auto format = hvr::DetectDiskFormat(path);
    if (!format.ok()) return Fail(format.error());
    *out_format = static_cast<hvr_disk_format>(static_cast<int>(*format));
    return HVR_OK;
  });
}

void hvr_disk_close(hvr_disk* disk) {
  if (disk == nullptr) return;
  (void)Guard(__func__, [&] {
    if (disk->writer != nullptr) (void)disk->writer->Close();
    return HVR_OK;
  });
  delete disk;
}

hvr_status hvr_disk_get_info(const hvr_disk* disk, hvr_disk_info* info) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(disk, __func__, "disk"));
    HVR_CAPI_CHECK(RequireNonNull(info, __func__, "info"));
    HVR_CAPI_CHECK(hvr::capi::RequireStructSize(info, __func__, "info"));
    std::unique_lock lock(disk->info_mu);
    const hvr::DiskInfo& d = disk->reader->info();
    hvr_disk_info full;
    std::memset(&full, 0, sizeof full);
    full.format = static_cast<hvr_disk_format>(static_cast<int>(d.format));
    full.type = static_cast<hvr_disk_type>(static_cast<int>(d.type));
    full.virtual_size = d.virtual_size;
    full.logical_sector_size = d.logical_sector_size;
    full.physical_sector_size = d.physical_sector_size;
    full.block_size = d.block_size;
    CopyGuid(d.data_write_guid, full.data_write_guid, full.data_write_guid_raw);
    CopyGuid(d.file_write_guid, full.file_write_guid, full.file_write_guid_raw);
    CopyGuid(d.page83_id, full.page83_id, full.page83_id_raw);
    CopyGuid(d.unique_id, full.unique_id, full.unique_id_raw);
    CopyGuid(d.parent_identity, full.parent_identity, full.parent_identity_raw);
    full.log_replayed = d.log_replayed ? 1 : 0;
    full.path = d.path.c_str();
    full.parent_path = d.parent_path ? d.parent_path->c_str() : nullptr;
    hvr::capi::CopyOutGrowing(full, info);
    return HVR_OK;
  });
}

hvr_status hvr_disk_read(const hvr_disk* disk, uint64_t offset, void* buffer, size_t length) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(disk, __func__, "disk"));
    if (length > 0) HVR_CAPI_CHECK(RequireNonNull(buffer, __func__, "buffer"));
    const hvr::Status s = disk->reader->Read(offset, std::span(static_cast<uint8_t*>(buffer), length));
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_disk_get_allocated_ranges(const hvr_disk* disk, hvr_disk_range** out_ranges, size_t* out_count) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(disk, __func__, "disk"));
    HVR_CAPI_CHECK(RequireNonNull(out_ranges, __func__, "out_ranges"));
    HVR_CAPI_CHECK(RequireNonNull(out_count, __func__, "out_count"));
    auto ranges = disk->reader->AllocatedRanges();
    if (!ranges.ok()) return Fail(ranges.error());
    hvr::capi::OutputRanges(*ranges, out_ranges, out_count);
    return HVR_OK;
  });
}

void hvr_disk_ranges_free(hvr_disk_range* ranges) { std::free(ranges); }

hvr_status hvr_disk_write(hvr_disk* disk, uint64_t offset, const void* data, size_t length) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireWritable(disk, __func__));
    if (length > 0) HVR_CAPI_CHECK(RequireNonNull(data, __func__, "data"));
    std::shared_lock lock(disk->info_mu);
    const hvr::Status s = disk->writer->Write(offset, std::span(static_cast<const uint8_t*>(data), length));
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_disk_write_zeros(hvr_disk* disk, uint64_t offset, uint64_t length) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireWritable(disk, __func__));
    std::shared_lock lock(disk->info_mu);
    const hvr::Status s = disk->writer->WriteZeros(offset, length);
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_disk_flush(hvr_disk* disk) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireWritable(disk, __func__));
    std::shared_lock lock(disk->info_mu);
    const hvr::Status s = disk->writer->Flush();
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_disk_create_options_create(hvr_disk_create_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_disk_create_options_destroy(hvr_disk_create_options* options) { delete options; }

hvr_status hvr_disk_create_options_set_block_size(hvr_disk_create_options* options, uint32_t bytes) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->block_size = bytes;  // checked when the image is created
    return HVR_OK;
  });
}

hvr_status hvr_disk_create_options_set_sector_sizes(hvr_disk_create_options* options, uint32_t logical,
                                                    uint32_t physical) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->logical_sector_size = logical;
    options->physical_sector_size = physical;
    return HVR_OK;
  });
}

hvr_status hvr_disk_create_vhdx(const char* path, uint64_t virtual_size, hvr_disk_type type,
                                const hvr_disk_create_options* options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(path, __func__, "path"));
    if (type != HVR_DISK_TYPE_FIXED && type != HVR_DISK_TYPE_DYNAMIC) {
      return Fail(HVR_INVALID_ARGUMENT, std::string(__func__) +
                                            ": type must be HVR_DISK_TYPE_FIXED or HVR_DISK_TYPE_DYNAMIC "
                                            "(hvr_disk_create_differencing makes children)");
    }
    auto create = CreateOptions(virtual_size, type == HVR_DISK_TYPE_FIXED, options);
    const hvr::Status s = hvr::CreateVhdx(path, *create);
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_disk_create_differencing(const char* child_path, const char* parent_path,
                                        const hvr_disk_create_options* options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(child_path, __func__, "child_path"));
    HVR_CAPI_CHECK(RequireNonNull(parent_path, __func__, "parent_path"));
    hvr::DifferencingOptions diff;
    if (options != nullptr) diff.block_size = options->block_size;
    const hvr::Status s = hvr::CreateDifferencingVhdx(child_path, parent_path, diff);
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_disk_create_vhd_fixed(const char* path, uint64_t virtual_size) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(path, __func__, "path"));
    const hvr::Status s = hvr::CreateFixedVhd(path, virtual_size);
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_disk_create_raw(const char* path, uint64_t virtual_size) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(path, __func__, "path"));
    const hvr::Status s = hvr::CreateRaw(path, virtual_size);
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_merge_options_create(hvr_merge_options** out) { return hvr::capi::CreateHandle(__func__, out); }

void hvr_merge_options_destroy(hvr_merge_options* options) { delete options; }

hvr_status hvr_merge_options_set_keep_child(hvr_merge_options* options, int keep_child) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->keep_child = keep_child != 0;
    return HVR_OK;
  });
}

hvr_status hvr_merge_options_set_progress(hvr_merge_options* options, hvr_progress_fn fn, void* user_data) {
  return hvr::capi::SetProgress(__func__, options, fn, user_data);
}

hvr_status hvr_merge_options_set_cancel_token(hvr_merge_options* options, hvr_cancel_token* token) {
  return hvr::capi::SetCancelToken(__func__, options, token);
}

hvr_status hvr_disk_merge_child(const char* child_path, const hvr_merge_options* options,
                                uint8_t* out_parent_data_write_guid) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(child_path, __func__, "child_path"));
    const hvr_merge_options given = options ? *options : hvr_merge_options{};
    hvr::MergeOptions merge;
    merge.keep_child = given.keep_child;
    merge.cancel = given.controls.Token();
    merge.progress = given.controls.Progress();
    auto merged = hvr::MergeDifferencingDisk(child_path, merge);
    if (!merged.ok()) return Fail(merged.error());
    if (out_parent_data_write_guid != nullptr) {
      std::memcpy(out_parent_data_write_guid, merged->parent_data_write_guid.bytes.data(),
                  merged->parent_data_write_guid.bytes.size());
    }
    return HVR_OK;
  });
}

hvr_status hvr_convert_options_create(hvr_convert_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_convert_options_destroy(hvr_convert_options* options) { delete options; }

hvr_status hvr_convert_options_set_block_size(hvr_convert_options* options, uint32_t bytes) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->options.block_size = bytes;
    return HVR_OK;
  });
}

hvr_status hvr_convert_options_set_threads(hvr_convert_options* options, int threads) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    hvr::ConvertOptions changed = options->options;
    changed.threads = threads;
    HVR_CAPI_CHECK(CheckOptions(changed, __func__));
    options->options = changed;
    return HVR_OK;
  });
}

hvr_status hvr_convert_options_set_sync(hvr_convert_options* options, int sync) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->options.sync = sync != 0;
    return HVR_OK;
  });
}

hvr_status hvr_convert_options_set_overwrite(hvr_convert_options* options, int overwrite) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->options.overwrite = overwrite != 0;
    return HVR_OK;
  });
}

hvr_status hvr_convert_options_set_progress(hvr_convert_options* options, hvr_progress_fn fn, void* user_data) {
  return hvr::capi::SetProgress(__func__, options, fn, user_data);
}

hvr_status hvr_convert_options_set_cancel_token(hvr_convert_options* options, hvr_cancel_token* token) {
  return hvr::capi::SetCancelToken(__func__, options, token);
}

hvr_status hvr_disk_convert_to(const hvr_disk* source, const char* destination, hvr_convert_target target,
                               const hvr_convert_options* options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(source, __func__, "source"));
    HVR_CAPI_CHECK(RequireNonNull(destination, __func__, "destination"));
    if (static_cast<int>(target) < HVR_CONVERT_RAW || static_cast<int>(target) > HVR_CONVERT_VHD_FIXED) {
      return Fail(HVR_INVALID_ARGUMENT, std::string(__func__) + ": unknown target " +
                                            std::to_string(static_cast<int>(target)));
    }
    hvr::ConvertOptions convert = options ? options->options : hvr::ConvertOptions{};
    convert.target = static_cast<hvr::ConvertTarget>(static_cast<int>(target));
    const hvr::capi::ProgressAndCancel controls = hvr::capi::ControlsOf(options);
    convert.cancel = controls.Token();
    convert.progress = controls.Progress();
    auto stats = hvr::ConvertDisk(*source->reader, destination, convert);
    return stats.ok() ? HVR_OK : Fail(stats.error());
  });
}

}  // extern "C"

// The C enums mirror the C++ ones; these catch one changing without the other.
static_assert(HVR_DISK_FORMAT_VHDX == static_cast<int>(hvr::DiskFormat::kVhdx));
static_assert(HVR_DISK_TYPE_DIFFERENCING == static_cast<int>(hvr::DiskType::kDifferencing));
static_assert(HVR_CONVERT_VHD_FIXED == static_cast<int>(hvr::ConvertTarget::kVhdFixed));
static_assert(HVR_CONVERT_VHDX == static_cast<int>(hvr::ConvertTarget::kVhdxDynamic));
