// Replica stores through the C ABI: hvr::SyncStore and the disk transfers behind
// opaque handles.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cstring>
#include <memory>
#include <optional>

#include "capi_internal.hpp"
#include "hvr/disk.hpp"
#include "hvr/disk_transfer.hpp"
#include "hvr/sync_store.hpp"
#include "store/store_json.hpp"

struct hvr_store_options {
  hvr::StoreOptions options;
  std::optional<hvr::BandwidthSchedule> bandwidth;
  hvr_log_fn log = nullptr;
  void* log_user_data = nullptr;
};

struct hvr_store {
  std::unique_ptr<hvr::SyncStore> store;
};

namespace {

using hvr::capi::Fail;
using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

hvr::TransferOptions TransferOptionsFor(hvr_progress_fn progress, void* user_data,
                                        hvr_cancel_token* cancel) {
  hvr::TransferOptions options;
  if (progress != nullptr) {
    options.progress = [progress, user_data](uint64_t done, uint64_t total) {
      progress(user_data, done, total);
    };
  }
  options.cancel = hvr::capi::TokenOf(cancel);
  return options;
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

}  // namespace

extern "C" {

hvr_status hvr_store_options_create(hvr_store_options** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    *out = new hvr_store_options;
    return HVR_OK;
  });
}

void hvr_store_options_destroy(hvr_store_options* options) { delete options; }

hvr_status hvr_store_options_set_max_in_flight(hvr_store_options* options, int requests) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    if (requests < 1 || requests > 256) {
      return Fail(HVR_INVALID_ARGUMENT, std::string(__func__) + ": requests must be 1 to 256");
    }
    options->options.max_in_flight = requests;
    return HVR_OK;
  });
}

hvr_status hvr_store_options_set_timeouts(hvr_store_options* options, int64_t connect_ms,
                                          int64_t io_ms) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    if (connect_ms <= 0 || io_ms <= 0) {
      return Fail(HVR_INVALID_ARGUMENT, std::string(__func__) + ": timeouts must be positive");
    }
    options->options.connect_timeout = std::chrono::milliseconds(connect_ms);
    options->options.io_timeout = std::chrono::milliseconds(io_ms);
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
    schedule.work_bytes_per_second = work_bytes_per_second;
    schedule.non_work_bytes_per_second = non_work_bytes_per_second;
    schedule.work_start = std::chrono::minutes(work_start_minute);
    schedule.work_end = std::chrono::minutes(work_end_minute);
    for (size_t day = 0; day < 7; ++day) schedule.work_days[day] = ((work_days >> day) & 1u) != 0;
    if (auto valid = schedule.Validate(); !valid.ok()) return Fail(valid.error());
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
    *out = new hvr_store{std::move(store).value()};
    return HVR_OK;
  });
}

void hvr_store_close(hvr_store* store) { delete store; }

hvr_status hvr_store_list_json(hvr_store* store, char** out_json) {
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

hvr_status hvr_store_upload(hvr_store* store, const char* image_path, const char* disk_name,
                            hvr_progress_fn progress, void* user_data, hvr_cancel_token* cancel,
                            hvr_transfer_stats* out_stats) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(store, __func__, "store"));
    HVR_CAPI_CHECK(RequireNonNull(image_path, __func__, "image_path"));
    HVR_CAPI_CHECK(RequireNonNull(disk_name, __func__, "disk_name"));
    HVR_CAPI_CHECK(CheckStats(out_stats, __func__));
    auto disk = hvr::OpenDisk(image_path);
    if (!disk.ok()) return Fail(disk.error());
    auto stats = hvr::UploadDisk(**disk, store->store->async(), disk_name,
                                 TransferOptionsFor(progress, user_data, cancel));
    if (!stats.ok()) return Fail(stats.error());
    CopyStats(*stats, out_stats);
    return HVR_OK;
  });
}

hvr_status hvr_store_download(hvr_store* store, const char* disk_name, const char* recovery_point,
                              const char* out_path, int with_footer, hvr_progress_fn progress,
                              void* user_data, hvr_cancel_token* cancel,
                              hvr_transfer_stats* out_stats) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(store, __func__, "store"));
    HVR_CAPI_CHECK(RequireNonNull(disk_name, __func__, "disk_name"));
    HVR_CAPI_CHECK(RequireNonNull(out_path, __func__, "out_path"));
    HVR_CAPI_CHECK(CheckStats(out_stats, __func__));
    auto stats = hvr::DownloadDisk(store->store->async(), disk_name,
                                   recovery_point ? recovery_point : "", out_path, with_footer != 0,
                                   TransferOptionsFor(progress, user_data, cancel));
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

hvr_status hvr_store_list_recovery_points_json(hvr_store* store, const char* disk_name,
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

}  // extern "C"
