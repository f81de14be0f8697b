// The deprecated aliases of hvr.h's last section: earlier names of calls, each
// forwarding to the call that replaced it, exported until the next ABI version.
#include <cstring>

#include "capi_internal.hpp"
#include "hvr.h"
#include "replication_handles.hpp"

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

// The merge with its options as arguments, and the GUID written into the caller's 37 bytes.
hvr_status hvr_disk_merge(const char* child_path, int keep_child, hvr_cancel_token* cancel, hvr_progress_fn progress,
                          void* user_data, char* out_parent_data_write_guid) {
  hvr_merge_options* options = nullptr;
  hvr_status status = hvr_merge_options_create(&options);
  if (status == HVR_OK) status = hvr_merge_options_set_keep_child(options, keep_child);
  if (status == HVR_OK) status = hvr_merge_options_set_progress(options, progress, user_data);
  if (status == HVR_OK) status = hvr_merge_options_set_cancel_token(options, cancel);
  char* guid = nullptr;
  if (status == HVR_OK) {
    status = hvr_disk_merge_into_parent(child_path, options, out_parent_data_write_guid ? &guid : nullptr);
  }
  if (status == HVR_OK && guid != nullptr) std::memcpy(out_parent_data_write_guid, guid, std::strlen(guid) + 1);
  hvr_string_free(guid);
  hvr_merge_options_destroy(options);
  return status;
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
    with_token.cancel = cancel;
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

}  // extern "C"
