// The deprecated aliases of hvr.h's last section: earlier names of calls, each
// forwarding to the call that replaced it, exported until the next ABI version.
#include <algorithm>
#include <climits>
#include <cstring>

#include "capi_internal.hpp"
#include "disk_handle.hpp"
#include "hvr.h"
#include "hvr/guid.hpp"
#include "replication_handles.hpp"

namespace {

// New options carrying `progress` and `cancel`, handed to `call`: how a call that took
// both as arguments reaches the one that takes them on its options.
template <typename Options, typename Call>
hvr_status WithControls(hvr_status (*create)(Options**), void (*destroy)(Options*),
                        hvr_status (*set_progress)(Options*, hvr_progress_fn, void*),
                        hvr_status (*set_cancel_token)(Options*, hvr_cancel_token*), hvr_progress_fn progress,
                        void* user_data, hvr_cancel_token* cancel, Call call) {
  Options* options = nullptr;
  hvr_status status = create(&options);
  if (status == HVR_OK) status = set_progress(options, progress, user_data);
  if (status == HVR_OK) status = set_cancel_token(options, cancel);
  if (status == HVR_OK) status = call(options);
  destroy(options);
  return status;
}

// Transfer options carrying `progress` and `cancel`, handed to `call`.
template <typename Call>
hvr_status WithTransferOptions(hvr_progress_fn progress, void* user_data, hvr_cancel_token* cancel, Call call) {
  return WithControls(hvr_transfer_options_create, hvr_transfer_options_destroy, hvr_transfer_options_set_progress,
                      hvr_transfer_options_set_cancel_token, progress, user_data, cancel, call);
}

// Extent map options carrying `cancel`, handed to `call`.
template <typename Call>
hvr_status WithExtentMapOptions(hvr_cancel_token* cancel, Call call) {
  return WithControls(hvr_extent_map_options_create, hvr_extent_map_options_destroy,
                      hvr_extent_map_options_set_progress, hvr_extent_map_options_set_cancel_token, nullptr, nullptr,
                      cancel, call);
}

// Run options carrying `cancel`, as the session's operations take it. Built in place, as
// nothing can fail in making them.
hvr_run_options RunOptionsWith(hvr_cancel_token* cancel) {
  hvr_run_options options;
  options.controls.cancel = cancel;
  return options;
}

}  // namespace

extern "C" {

hvr_status hvr_hrl_reader_header(const hvr_hrl_reader* reader, hvr_hrl_header* out) {
  return hvr_hrl_reader_get_header(reader, out);
}

hvr_status hvr_hrl_list_closed_logs(const char* folder, const char* log_name, hvr_hrl_log_list** out) {
  return hvr_hrl_log_list_create(folder, log_name, out);
}

hvr_status hvr_hrl_log_list_count(const hvr_hrl_log_list* list, size_t* out_count) {
  return hvr_hrl_log_list_get_count(list, out_count);
}

hvr_status hvr_hrl_log_list_path(const hvr_hrl_log_list* list, size_t index, const char** out_path) {
  return hvr_hrl_log_list_get_path(list, index, out_path);
}

hvr_status hvr_hrl_tracker_current_log(const hvr_hrl_tracker* tracker, char** out_path) {
  return hvr_hrl_tracker_get_current_log(tracker, out_path);
}

hvr_status hvr_hrl_tracker_interrupted_log(const hvr_hrl_tracker* tracker, char** out_path) {
  return hvr_hrl_tracker_get_interrupted_log(tracker, out_path);
}

hvr_status hvr_hrl_tracker_close(hvr_hrl_tracker* tracker) { return hvr_hrl_tracker_close_log(tracker); }

hvr_status hvr_extent_map_changed_bytes(hvr_extent_map* map, uint64_t* out_bytes) {
  return hvr_extent_map_get_changed_bytes(map, out_bytes);
}

hvr_status hvr_extent_map_changed_ranges(hvr_extent_map* map, hvr_range_fn callback, void* user_data) {
  return hvr_extent_map_get_changed_ranges(map, callback, user_data);
}

hvr_status hvr_disk_allocated_ranges(const hvr_disk* disk, hvr_disk_range** out_ranges, size_t* out_count) {
  return hvr_disk_get_allocated_ranges(disk, out_ranges, out_count);
}

hvr_status hvr_store_allocated_ranges(hvr_store* store, const char* disk_name, const char* recovery_point,
                                      hvr_disk_range** out_ranges, size_t* out_count) {
  return hvr_store_get_allocated_ranges(store, disk_name, recovery_point, out_ranges, out_count);
}

hvr_status hvr_store_changed_ranges(hvr_store* store, const char* disk_name, const char* from, const char* to,
                                    hvr_disk_range** out_ranges, size_t* out_count) {
  return hvr_store_get_changed_ranges(store, disk_name, from, to, out_ranges, out_count);
}

hvr_status hvr_store_list_json(hvr_store* store, char** out_json) {
  return hvr_store_get_disks_json(store, out_json);
}

hvr_status hvr_store_list_recovery_points_json(hvr_store* store, const char* disk_name, char** out_json) {
  return hvr_store_get_recovery_points_json(store, disk_name, out_json);
}

hvr_status hvr_session_status_json(const hvr_session* session, char** out_json) {
  return hvr_session_get_status_json(session, out_json);
}

hvr_status hvr_session_jobs_json(const hvr_session* session, char** out_json) {
  return hvr_session_get_jobs_json(session, out_json);
}

hvr_status hvr_session_recovery_points_json(const hvr_session* session, char** out_json) {
  return hvr_session_get_recovery_points_json(session, out_json);
}

hvr_status hvr_session_next_due(const hvr_session* session, int* out_has, int64_t* out_when) {
  return hvr_session_get_next_due(session, out_has, out_when);
}

hvr_status hvr_diff_to_json(const hvr_diff* diff, char** out_json) {
  return hvr_diff_get_json(diff, out_json);
}

// The merge with its options as arguments, and the GUID written as text into the caller's
// 37 bytes.
hvr_status hvr_disk_merge(const char* child_path, int keep_child, hvr_cancel_token* cancel, hvr_progress_fn progress,
                          void* user_data, char* out_parent_data_write_guid) {
  hvr::Guid guid;
  hvr_status status = WithControls(hvr_merge_options_create, hvr_merge_options_destroy, hvr_merge_options_set_progress,
                                   hvr_merge_options_set_cancel_token, progress, user_data, cancel,
                                   [&](hvr_merge_options* options) {
                                     HVR_CAPI_CHECK(hvr_merge_options_set_keep_child(options, keep_child));
                                     return hvr_disk_merge_child(child_path, options, guid.bytes.data());
                                   });
  if (status == HVR_OK && out_parent_data_write_guid != nullptr) {
    std::memcpy(out_parent_data_write_guid, guid.ToString().c_str(), 37);
  }
  return status;
}

// The merge with the GUID as text the caller frees.
hvr_status hvr_disk_merge_into_parent(const char* child_path, const hvr_merge_options* options,
                                      char** out_parent_data_write_guid) {
  hvr::Guid guid;
  HVR_CAPI_CHECK(hvr_disk_merge_child(child_path, options, guid.bytes.data()));
  return hvr::capi::Guard(__func__, [&] {
    if (out_parent_data_write_guid != nullptr) *out_parent_data_write_guid = hvr::capi::CopyString(guid.ToString());
    return HVR_OK;
  });
}

hvr_status hvr_session_protect(hvr_engine* engine, const char* state_dir, const hvr_protection* protection,
                               const hvr_session_options* options, hvr_session** out) {
  return hvr_session_enable_protection(engine, state_dir, protection, nullptr, options, out);
}

hvr_status hvr_session_protect_with(hvr_engine* engine, const char* state_dir, const hvr_protection* protection,
                                    const hvr_protect_options* protect_options, const hvr_session_options* options,
                                    hvr_session** out) {
  return hvr_session_enable_protection(engine, state_dir, protection, protect_options, options, out);
}

namespace {

// The resync with the caller's options (or the defaults) and its token argument.
hvr_status ResyncWithToken(const char* function, hvr_session* session, const hvr_resync_options* options,
                           hvr_cancel_token* cancel) {
  return hvr::capi::Guard(function, [&] {
    hvr_resync_options with_token = options ? *options : hvr_resync_options{};
    with_token.controls.cancel = cancel;
    return hvr_session_resync(session, &with_token);
  });
}

}  // namespace

hvr_status hvr_session_resynchronize_with(hvr_session* session, const hvr_resync_options* options,
                                          hvr_cancel_token* cancel) {
  return ResyncWithToken(__func__, session, options, cancel);
}

hvr_status hvr_session_resynchronize(hvr_session* session, hvr_cancel_token* cancel) {
  return ResyncWithToken(__func__, session, nullptr, cancel);
}

hvr_status hvr_session_request_resync(hvr_session* session, const char* reason) {
  return hvr_session_schedule_resync(session, reason, nullptr);
}

hvr_status hvr_session_request_resync_with(hvr_session* session, const char* reason,
                                           const hvr_resync_options* options) {
  return hvr_session_schedule_resync(session, reason, options);
}

hvr_status hvr_extent_map_add_logs(hvr_extent_map* map, const char* const* paths, size_t count,
                                   uint64_t disk_virtual_size, const uint8_t* previous_unique_id,
                                   hvr_cancel_token* cancel, uint64_t* out_entries) {
  return WithExtentMapOptions(cancel, [&](const hvr_extent_map_options* options) {
    return hvr_extent_map_read_logs(map, paths, count, disk_virtual_size, previous_unique_id, options, out_entries);
  });
}

hvr_status hvr_extent_map_page_writes(hvr_extent_map* map, uint64_t max_bytes, hvr_read_fn base,
                                      void* base_user_data, hvr_page_write_fn write, void* write_user_data,
                                      hvr_cancel_token* cancel) {
  return WithExtentMapOptions(cancel, [&](const hvr_extent_map_options* options) {
    return hvr_extent_map_get_page_writes(map, max_bytes, base, base_user_data, write, write_user_data, options);
  });
}

// A count past INT_MAX is out of range either way: it stays out of range, and refused.
hvr_status hvr_chunk_options_set_threads(hvr_chunk_options* options, uint32_t threads) {
  return hvr_chunk_options_set_thread_count(options, static_cast<int>(std::min<uint32_t>(threads, INT_MAX)));
}

// The caller's conversion options (or the defaults) with the token and progress added.
hvr_status hvr_disk_convert(const hvr_disk* source, const char* destination, hvr_convert_target target,
                            const hvr_convert_options* options, hvr_cancel_token* cancel, hvr_progress_fn progress,
                            void* user_data) {
  return hvr::capi::Guard(__func__, [&] {
    hvr_convert_options with_controls = options ? *options : hvr_convert_options{};
    with_controls.controls = hvr::capi::ProgressAndCancel{progress, user_data, cancel};
    return hvr_disk_convert_to(source, destination, target, &with_controls);
  });
}

hvr_status hvr_store_upload(hvr_store* store, const char* image_path, const char* disk_name, hvr_progress_fn progress,
                            void* user_data, hvr_cancel_token* cancel, hvr_transfer_stats* out_stats) {
  return WithTransferOptions(progress, user_data, cancel, [&](const hvr_transfer_options* options) {
    return hvr_store_upload_image(store, image_path, disk_name, options, out_stats);
  });
}

hvr_status hvr_store_upload_disk(hvr_store* store, const hvr_disk* disk, const char* disk_name,
                                 hvr_progress_fn progress, void* user_data, hvr_cancel_token* cancel,
                                 hvr_transfer_stats* out_stats) {
  return WithTransferOptions(progress, user_data, cancel, [&](const hvr_transfer_options* options) {
    return hvr_store_upload_open_disk(store, disk, disk_name, options, out_stats);
  });
}

hvr_status hvr_store_download(hvr_store* store, const char* disk_name, const char* recovery_point,
                              const char* out_path, int with_footer, hvr_progress_fn progress, void* user_data,
                              hvr_cancel_token* cancel, hvr_transfer_stats* out_stats) {
  return WithTransferOptions(progress, user_data, cancel, [&](const hvr_transfer_options* options) {
    return hvr_store_download_image(store, disk_name, recovery_point, out_path, with_footer, options, out_stats);
  });
}

// The session's operations, their token put on run options.
hvr_status hvr_session_replicate_initially(hvr_session* session, hvr_cancel_token* cancel) {
  const hvr_run_options options = RunOptionsWith(cancel);
  return hvr_session_run_initial_replication(session, &options);
}

hvr_status hvr_session_run_cycle(hvr_session* session, hvr_cancel_token* cancel, hvr_cycle_report* out) {
  const hvr_run_options options = RunOptionsWith(cancel);
  return hvr_session_run_delta_cycle(session, &options, out);
}

hvr_status hvr_session_run_due(hvr_session* session, hvr_cancel_token* cancel, int* out_ran) {
  const hvr_run_options options = RunOptionsWith(cancel);
  return hvr_session_run_due_work(session, &options, out_ran);
}

hvr_status hvr_session_verify(const hvr_session* session, const char* point, hvr_cancel_token* cancel,
                              int* out_identical, char** out_json) {
  const hvr_run_options options = RunOptionsWith(cancel);
  return hvr_session_verify_point(session, point, &options, out_identical, out_json);
}

hvr_status hvr_protection_set_interval(hvr_protection* protection, int seconds) {
  return hvr_protection_set_replication_interval(protection, seconds);
}

hvr_status hvr_protection_set_recovery_history(hvr_protection* protection, int hours) {
  return hvr_protection_set_recovery_history_hours(protection, hours);
}

hvr_status hvr_protection_set_app_consistent_frequency(hvr_protection* protection, int hours) {
  return hvr_protection_set_app_consistent_frequency_hours(protection, hours);
}

hvr_status hvr_settings_change_set_interval(hvr_settings_change* change, int seconds) {
  return hvr_settings_change_set_replication_interval(change, seconds);
}

hvr_status hvr_settings_change_set_recovery_history(hvr_settings_change* change, int hours) {
  return hvr_settings_change_set_recovery_history_hours(change, hours);
}

hvr_status hvr_settings_change_set_app_consistent_frequency(hvr_settings_change* change, int hours) {
  return hvr_settings_change_set_app_consistent_frequency_hours(change, hours);
}

}  // extern "C"
