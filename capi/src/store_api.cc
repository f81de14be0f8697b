// Replica stores through the C ABI: hvr::SyncStore and the disk transfers behind
// opaque handles.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstring>
#include <memory>
#include <optional>

#include "capi_internal.hpp"
#include "disk_handle.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_transfer.hpp"
#include "hvr/sync_store.hpp"
#include "store/store_json.hpp"
#include "store_values.hpp"

struct hvr_store_options {
  hvr::StoreOptions options;
  std::optional<hvr::BandwidthSchedule> bandwidth;
  hvr_log_fn log = nullptr;
  void* log_user_data = nullptr;
};

struct hvr_store {
  std::unique_ptr<hvr::SyncStore> store;
};

struct hvr_transfer_options {
  hvr::capi::ProgressAndCancel controls;
};

namespace {

using hvr::capi::CheckOptions;
using hvr::capi::Fail;
using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

hvr::TransferOptions TransferOptionsFor(const hvr_transfer_options* options) {
  const hvr::capi::ProgressAndCancel controls = hvr::capi::ControlsOf(options);
  hvr::TransferOptions transfer;
  transfer.progress = controls.Progress();
  transfer.cancel = controls.Token();
  return transfer;
}

void CopyStats(const hvr::TransferStats& stats, hvr_transfer_stats* out) {
  if (out == nullptr) return;
  hvr_transfer_stats full{};
  full.virtual_size = stats.virtual_size;
  full.bytes_read = stats.bytes_read;
  full.bytes_sent = stats.bytes_sent;
  full.bytes_skipped = stats.bytes_skipped;
  full.requests = stats.requests;
  full.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(stats.elapsed).count();
  hvr::capi::CopyOutGrowing(full, out);
}

// out_stats is optional.
hvr_status CheckStats(const hvr_transfer_stats* stats, const char* function) {
  return stats == nullptr ? HVR_OK : hvr::capi::RequireStructSize(stats, function, "out_stats");
}

hvr_status Upload(hvr_store* store, const hvr::DiskReader& disk, const char* disk_name,
                  const hvr_transfer_options* options, hvr_transfer_stats* out_stats) {
  auto stats = hvr::UploadDisk(disk, store->store->async(), disk_name, TransferOptionsFor(options));
  if (!stats.ok()) return Fail(stats.error());
  CopyStats(*stats, out_stats);
  return HVR_OK;
}

// The store and disk name every per-disk call takes.
hvr_status RequireDisk(const hvr_store* store, const char* disk_name, const char* function) {
  HVR_CAPI_CHECK(RequireNonNull(store, function, "store"));
  return RequireNonNull(disk_name, function, "disk_name");
}

hvr_status Done(const hvr::Status& status) { return status.ok() ? HVR_OK : Fail(status.error()); }

// Optional recovery point names: NULL is the disk as it is now.
std::string PointOrNow(const char* recovery_point) { return recovery_point ? recovery_point : ""; }

static_assert(HVR_LEASE_EXPIRED == static_cast<int>(hvr::LeaseState::kExpired));

}  // namespace

extern "C" {

hvr_status hvr_store_options_create(hvr_store_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_store_options_destroy(hvr_store_options* options) { delete options; }

hvr_status hvr_store_options_set_max_in_flight(hvr_store_options* options, int requests) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    hvr::StoreOptions changed = options->options;
    changed.max_in_flight = requests;
    HVR_CAPI_CHECK(CheckOptions(changed, __func__));
    options->options = changed;
    return HVR_OK;
  });
}

hvr_status hvr_store_options_set_blob_requests(hvr_store_options* options, uint32_t requests_per_second) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    hvr::StoreOptions changed = options->options;
    changed.blob_requests_per_second = requests_per_second;
    HVR_CAPI_CHECK(CheckOptions(changed, __func__));
    options->options = changed;
    return HVR_OK;
  });
}

hvr_status hvr_store_options_set_timeouts(hvr_store_options* options, int64_t connect_ms,
                                          int64_t io_ms) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    hvr::StoreOptions changed = options->options;
    changed.connect_timeout = std::chrono::milliseconds(connect_ms);
    changed.io_timeout = std::chrono::milliseconds(io_ms);
    HVR_CAPI_CHECK(CheckOptions(changed, __func__));
    options->options = changed;
    return HVR_OK;
  });
}

hvr_status hvr_store_options_set_retries(hvr_store_options* options, int max_attempts, int64_t base_delay_ms,
                                         int64_t max_delay_ms, int64_t max_elapsed_ms) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    hvr::RequestRetryOptions retry;
    HVR_CAPI_CHECK(hvr::capi::RetryOptionsFrom(max_attempts, base_delay_ms, max_delay_ms, max_elapsed_ms, __func__, &retry));
    options->options.retry = retry;
    return HVR_OK;
  });
}

hvr_status hvr_store_options_set_tls(hvr_store_options* options, int verify, const char* ca_file) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->options.tls.verify = verify != 0;
    options->options.tls.ca_file = ca_file ? ca_file : "";
    return HVR_OK;
  });
}

hvr_status hvr_store_options_set_proxy(hvr_store_options* options, const char* proxy_url) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    if (proxy_url == nullptr) {
      options->options.proxy.reset();
    } else {
      options->options.proxy = std::string(proxy_url);
    }
    return HVR_OK;
  });
}

hvr_status hvr_store_options_set_bandwidth(hvr_store_options* options,
                                           uint64_t work_bytes_per_second,
                                           uint64_t non_work_bytes_per_second,
                                           int work_start_minute, int work_end_minute,
                                           unsigned work_days) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    hvr::BandwidthSchedule schedule;
    HVR_CAPI_CHECK(hvr::capi::BandwidthFrom(work_bytes_per_second, non_work_bytes_per_second, work_start_minute,
                                            work_end_minute, work_days, __func__, &schedule));
    options->bandwidth = schedule;
    return HVR_OK;
  });
}

hvr_status hvr_store_options_set_encryption_key(hvr_store_options* options, const uint8_t* key,
                                                size_t key_size) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    HVR_CAPI_CHECK(RequireNonNull(key, __func__, "key"));
    if (key_size != 32) {
      return Fail(HVR_INVALID_ARGUMENT, std::string(__func__) + ": an AES-256 key has 32 bytes");
    }
    std::array<uint8_t, 32> copy{};
    std::memcpy(copy.data(), key, copy.size());
    options->options.encryption_key = copy;
    return HVR_OK;
  });
}

hvr_status hvr_store_options_set_log(hvr_store_options* options, hvr_log_fn log, void* user_data) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->log = log;
    options->log_user_data = user_data;
    return HVR_OK;
  });
}

hvr_status hvr_store_open(const char* target, const hvr_store_options* options, hvr_store** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(target, __func__, "target"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    hvr::StoreOptions store_options;
    if (options != nullptr) {
      store_options = options->options;
      if (options->bandwidth) {
        store_options.bandwidth = std::make_shared<hvr::BandwidthLimiter>(*options->bandwidth);
      }
      if (options->log != nullptr) {
        store_options.log = [log = options->log, data = options->log_user_data](
                                hvr::LogLevel level, std::string_view message) {
          const std::string text(message);  // NUL-terminated for C
          log(data, static_cast<hvr_log_level>(static_cast<int>(level)), text.c_str());
        };
      }
    }
    auto store = hvr::SyncStore::Open(target, store_options);
    if (!store.ok()) return Fail(store.error());
    return hvr::capi::NewHandle(out, std::move(store).value());
  });
}

void hvr_store_close(hvr_store* store) { delete store; }

hvr_status hvr_store_get_statistics(hvr_store* store, hvr_store_statistics* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(store, __func__, "store"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    return hvr::capi::CopyStoreStatistics(store->store->async().statistics(), out, __func__);
  });
}

hvr_status hvr_store_get_disks_json(hvr_store* store, char** out_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(store, __func__, "store"));
    HVR_CAPI_CHECK(RequireNonNull(out_json, __func__, "out_json"));
    auto disks = store->store->ListDisks();
    if (!disks.ok()) return Fail(disks.error());
    boost::json::array array;
    for (const auto& disk : *disks) array.push_back(hvr::DiskToJson(disk));
    *out_json = hvr::capi::CopyString(boost::json::serialize(
        boost::json::object{{"store", store->store->description()}, {"disks", array}}));
    return HVR_OK;
  });
}

hvr_status hvr_transfer_options_create(hvr_transfer_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_transfer_options_destroy(hvr_transfer_options* options) { delete options; }

hvr_status hvr_transfer_options_set_progress(hvr_transfer_options* options, hvr_progress_fn fn, void* user_data) {
  return hvr::capi::SetProgress(__func__, options, fn, user_data);
}

hvr_status hvr_transfer_options_set_cancel_token(hvr_transfer_options* options, hvr_cancel_token* token) {
  return hvr::capi::SetCancelToken(__func__, options, token);
}

hvr_status hvr_store_upload_image(hvr_store* store, const char* image_path, const char* disk_name,
                                  const hvr_transfer_options* options, hvr_transfer_stats* out_stats) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(store, __func__, "store"));
    HVR_CAPI_CHECK(RequireNonNull(image_path, __func__, "image_path"));
    HVR_CAPI_CHECK(RequireNonNull(disk_name, __func__, "disk_name"));
    HVR_CAPI_CHECK(CheckStats(out_stats, __func__));
    auto disk = hvr::OpenDisk(image_path);
    if (!disk.ok()) return Fail(disk.error());
    return Upload(store, **disk, disk_name, options, out_stats);
  });
}

hvr_status hvr_store_upload_open_disk(hvr_store* store, const hvr_disk* disk, const char* disk_name,
                                      const hvr_transfer_options* options, hvr_transfer_stats* out_stats) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(store, __func__, "store"));
    HVR_CAPI_CHECK(RequireNonNull(disk, __func__, "disk"));
    HVR_CAPI_CHECK(RequireNonNull(disk_name, __func__, "disk_name"));
    HVR_CAPI_CHECK(CheckStats(out_stats, __func__));
    return Upload(store, *disk->reader, disk_name, options, out_stats);
  });
}

hvr_status hvr_store_download_image(hvr_store* store, const char* disk_name, const char* recovery_point,
                                    const char* out_path, int with_footer, const hvr_transfer_options* options,
                                    hvr_transfer_stats* out_stats) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(store, __func__, "store"));
    HVR_CAPI_CHECK(RequireNonNull(disk_name, __func__, "disk_name"));
    HVR_CAPI_CHECK(RequireNonNull(out_path, __func__, "out_path"));
    HVR_CAPI_CHECK(CheckStats(out_stats, __func__));
    auto stats = hvr::DownloadDisk(store->store->async(), disk_name,
                                   recovery_point ? recovery_point : "", out_path, with_footer != 0,
                                   TransferOptionsFor(options));
    if (!stats.ok()) return Fail(stats.error());
    CopyStats(*stats, out_stats);
    return HVR_OK;
  });
}

hvr_status hvr_store_delete_disk(hvr_store* store, const char* disk_name) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(store, __func__, "store"));
    HVR_CAPI_CHECK(RequireNonNull(disk_name, __func__, "disk_name"));
    if (auto s = store->store->DeleteDisk(disk_name); !s.ok()) return Fail(s.error());
    return HVR_OK;
  });
}

hvr_status hvr_store_create_recovery_point(hvr_store* store, const char* disk_name,
                                           int app_consistent, char** out_id) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(store, __func__, "store"));
    HVR_CAPI_CHECK(RequireNonNull(disk_name, __func__, "disk_name"));
    HVR_CAPI_CHECK(RequireNonNull(out_id, __func__, "out_id"));
    auto point = store->store->CreateSnapshot(disk_name, {app_consistent != 0, {}});
    if (!point.ok()) return Fail(point.error());
    *out_id = hvr::capi::CopyString(point->id);
    return HVR_OK;
  });
}

hvr_status hvr_store_get_recovery_points_json(hvr_store* store, const char* disk_name,
                                               char** out_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(store, __func__, "store"));
    HVR_CAPI_CHECK(RequireNonNull(disk_name, __func__, "disk_name"));
    HVR_CAPI_CHECK(RequireNonNull(out_json, __func__, "out_json"));
    auto points = store->store->ListSnapshots(disk_name);
    if (!points.ok()) return Fail(points.error());
    boost::json::array array;
    for (const auto& point : *points) array.push_back(hvr::RecoveryPointToJson(point));
    *out_json = hvr::capi::CopyString(boost::json::serialize(array));
    return HVR_OK;
  });
}

hvr_status hvr_store_delete_recovery_point(hvr_store* store, const char* disk_name,
                                           const char* recovery_point) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(store, __func__, "store"));
    HVR_CAPI_CHECK(RequireNonNull(disk_name, __func__, "disk_name"));
    HVR_CAPI_CHECK(RequireNonNull(recovery_point, __func__, "recovery_point"));
    if (auto s = store->store->DeleteSnapshot(disk_name, recovery_point); !s.ok()) {
      return Fail(s.error());
    }
    return HVR_OK;
  });
}

hvr_status hvr_store_create_disk(hvr_store* store, const char* disk_name, uint64_t virtual_size) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    return Done(store->store->CreateDisk(disk_name, virtual_size));
  });
}

hvr_status hvr_store_write_pages(hvr_store* store, const char* disk_name, uint64_t offset, const void* data,
                                 size_t size) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    if (size > 0) HVR_CAPI_CHECK(RequireNonNull(data, __func__, "data"));
    hvr::Status written =
        store->store->WritePages(disk_name, offset, std::span(static_cast<const uint8_t*>(data), size));
    // Durable when the call returns, as hvr.h promises.
    if (written.ok()) written = store->store->Flush(disk_name);
    return Done(written);
  });
}

hvr_status hvr_store_clear_pages(hvr_store* store, const char* disk_name, uint64_t offset, uint64_t length) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    hvr::Status cleared = store->store->ClearPages(disk_name, offset, length);
    if (cleared.ok()) cleared = store->store->Flush(disk_name);
    return Done(cleared);
  });
}

hvr_status hvr_store_read(hvr_store* store, const char* disk_name, const char* recovery_point, uint64_t offset,
                          void* buffer, size_t size) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    if (size > 0) HVR_CAPI_CHECK(RequireNonNull(buffer, __func__, "buffer"));
    return Done(store->store->Read(disk_name, PointOrNow(recovery_point), offset,
                                   std::span(static_cast<uint8_t*>(buffer), size)));
  });
}

hvr_status hvr_store_get_allocated_ranges(hvr_store* store, const char* disk_name, const char* recovery_point,
                                      hvr_disk_range** out_ranges, size_t* out_count) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    HVR_CAPI_CHECK(RequireNonNull(out_ranges, __func__, "out_ranges"));
    HVR_CAPI_CHECK(RequireNonNull(out_count, __func__, "out_count"));
    auto ranges = store->store->AllocatedRanges(disk_name, PointOrNow(recovery_point));
    if (!ranges.ok()) return Fail(ranges.error());
    hvr::capi::OutputRanges(*ranges, out_ranges, out_count);
    return HVR_OK;
  });
}

hvr_status hvr_store_get_changed_ranges(hvr_store* store, const char* disk_name, const char* from, const char* to,
                                    hvr_disk_range** out_ranges, size_t* out_count) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    HVR_CAPI_CHECK(RequireNonNull(from, __func__, "from"));
    HVR_CAPI_CHECK(RequireNonNull(out_ranges, __func__, "out_ranges"));
    HVR_CAPI_CHECK(RequireNonNull(out_count, __func__, "out_count"));
    auto ranges = store->store->ChangedRanges(disk_name, from, PointOrNow(to));
    if (!ranges.ok()) return Fail(ranges.error());
    hvr::capi::OutputRanges(*ranges, out_ranges, out_count);
    return HVR_OK;
  });
}

hvr_status hvr_store_copy_recovery_point(hvr_store* store, const char* disk_name, const char* recovery_point,
                                         const char* new_disk_name) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    HVR_CAPI_CHECK(RequireNonNull(recovery_point, __func__, "recovery_point"));
    HVR_CAPI_CHECK(RequireNonNull(new_disk_name, __func__, "new_disk_name"));
    return Done(store->store->CopySnapshot(disk_name, recovery_point, new_disk_name));
  });
}

hvr_status hvr_store_get_disk(hvr_store* store, const char* disk_name, hvr_store_disk_info* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    HVR_CAPI_CHECK(hvr::capi::RequireStructSize(out, __func__, "out"));
    auto disk = store->store->GetDisk(disk_name);
    if (!disk.ok()) return Fail(disk.error());
    hvr_store_disk_info info;
    std::memset(&info, 0, sizeof info);
    info.virtual_size = disk->virtual_size;
    info.last_modified =
        std::chrono::duration_cast<std::chrono::seconds>(disk->last_modified.time_since_epoch()).count();
    info.lease_state = static_cast<hvr_lease_state>(static_cast<int>(disk->lease_state));
    hvr::capi::CopyOutGrowing(info, out);
    return HVR_OK;
  });
}

hvr_status hvr_store_set_metadata(hvr_store* store, const char* disk_name, const char* const* keys,
                                  const char* const* values, size_t count) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    if (count > 0) {
      HVR_CAPI_CHECK(RequireNonNull(keys, __func__, "keys"));
      HVR_CAPI_CHECK(RequireNonNull(values, __func__, "values"));
    }
    hvr::Metadata metadata;
    for (size_t i = 0; i < count; ++i) {
      HVR_CAPI_CHECK(RequireNonNull(keys[i], __func__, "keys[i]"));
      HVR_CAPI_CHECK(RequireNonNull(values[i], __func__, "values[i]"));
      metadata[keys[i]] = values[i];
    }
    return Done(store->store->SetMetadata(disk_name, metadata));
  });
}

hvr_status hvr_store_get_metadata_json(hvr_store* store, const char* disk_name, char** out_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    HVR_CAPI_CHECK(RequireNonNull(out_json, __func__, "out_json"));
    auto metadata = store->store->GetMetadata(disk_name);
    if (!metadata.ok()) return Fail(metadata.error());
    boost::json::object object;
    for (const auto& [key, value] : *metadata) object[key] = value;
    *out_json = hvr::capi::CopyString(boost::json::serialize(object));
    return HVR_OK;
  });
}

hvr_status hvr_store_acquire_lease(hvr_store* store, const char* disk_name, int64_t duration_seconds,
                                   const char* proposed_id, char** out_lease_id) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    HVR_CAPI_CHECK(RequireNonNull(out_lease_id, __func__, "out_lease_id"));
    auto id = store->store->AcquireLease(disk_name, std::chrono::seconds(duration_seconds),
                                         proposed_id ? proposed_id : "");
    if (!id.ok()) return Fail(id.error());
    *out_lease_id = hvr::capi::CopyString(*id);
    return HVR_OK;
  });
}

hvr_status hvr_store_renew_lease(hvr_store* store, const char* disk_name) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    return Done(store->store->RenewLease(disk_name));
  });
}

hvr_status hvr_store_release_lease(hvr_store* store, const char* disk_name) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    return Done(store->store->ReleaseLease(disk_name));
  });
}

hvr_status hvr_store_break_lease(hvr_store* store, const char* disk_name, int64_t break_period_seconds) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireDisk(store, disk_name, __func__));
    return Done(store->store->BreakLease(disk_name, std::chrono::seconds(break_period_seconds)));
  });
}

}  // extern "C"
