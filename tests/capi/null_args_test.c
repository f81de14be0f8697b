/* Every call of hvr.h given NULL for a pointer it needs returns HVR_INVALID_ARGUMENT with a
 * message naming the parameter, writes nothing, and never crashes (hvr.h: "NULL where a
 * pointer is required is HVR_INVALID_ARGUMENT naming the parameter"); destroy, close and
 * free calls accept NULL as a no-op. Optional pointers (documented "may be NULL") are not
 * checked here; the component tests use them. null_args_coverage.cmake fails when a
 * function of capi/hvr.symbols appears in none of EXPECT_NULL, ACCEPTS_NULL and
 * TAKES_NO_POINTER below, so a new function cannot be left out. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host.h"

/* `call` must fail with HVR_INVALID_ARGUMENT and the message "...: <param> is NULL". */
#define EXPECT_NULL(call, param)                                                           \
  do {                                                                                     \
    hvr_status s_ = (call);                                                                \
    if (s_ != HVR_INVALID_ARGUMENT || strstr(hvr_last_error_message(), param " is NULL") == NULL) { \
      fprintf(stderr, "%s:%d: %s returned %s: %s (expected '%s is NULL')\n", __FILE__, __LINE__, #call, \
              hvr_status_name(s_), hvr_last_error_message(), param);                         \
      exit(1);                                                                             \
    }                                                                                      \
    ++checks;                                                                              \
  } while (0)

/* A call documented to accept NULL (destroy, close, free) does so without crashing. */
#define ACCEPTS_NULL(call) \
  do {                     \
    call;                  \
    ++checks;              \
  } while (0)

/* A function without pointer parameters: named so that the coverage check sees it. */
#define TAKES_NO_POINTER(function) ((void)(function))

/* Refused calls write nothing: each test copies its output variables (KEEP) before the
 * calls and compares them after (EXPECT_KEPT). Structs are filled with a pattern first so
 * that the comparison reads defined bytes. */
#define KEEP(var)                            \
  unsigned char var##_kept[sizeof(var)];     \
  memcpy(var##_kept, &(var), sizeof(var))
#define EXPECT_KEPT(var)                                                                   \
  do {                                                                                     \
    if (memcmp(var##_kept, &(var), sizeof(var)) != 0) {                                    \
      fprintf(stderr, "%s:%d: a refused call wrote to %s\n", __FILE__, __LINE__, #var);   \
      exit(1);                                                                             \
    }                                                                                      \
  } while (0)
#define PATTERN(var) memset(&(var), 0xA5, sizeof(var))

static int checks;
static char dir[256];

static void on_progress(void *user_data, uint64_t done, uint64_t total) {
  (void)user_data;
  (void)done;
  (void)total;
}

static void test_status_retry_cancel(void) {
  hvr_retry_policy *policy = NULL;
  hvr_retry_action action;
  int64_t when = 0, steady = 0, backoff = 60;
  size_t count = 0;

  CHECK_OK(hvr_retry_policy_create(&policy));
  PATTERN(action);
  KEEP(policy);
  KEEP(action);
  KEEP(when);
  KEEP(steady);
  KEEP(count);

  EXPECT_NULL(hvr_retry_policy_create(NULL), "out");
  EXPECT_NULL(hvr_retry_policy_create_custom(NULL, 1, 600, &policy), "backoff_seconds");
  EXPECT_NULL(hvr_retry_policy_create_custom(&backoff, 1, 600, NULL), "out");
  EXPECT_NULL(hvr_retry_policy_next_attempt(NULL, 0, 0, 0, HVR_NETWORK, 30, &action, &when), "policy");
  EXPECT_NULL(hvr_retry_policy_next_attempt(policy, 0, 0, 0, HVR_NETWORK, 30, NULL, &when), "out_action");
  EXPECT_NULL(hvr_retry_policy_next_attempt(policy, 0, 0, 0, HVR_NETWORK, 30, &action, NULL), "out_when");
  EXPECT_NULL(hvr_retry_policy_get_schedule(NULL, NULL, 0, &count, &steady), "policy");
  EXPECT_NULL(hvr_retry_policy_get_schedule(policy, NULL, 1, &count, &steady), "backoff_seconds");
  EXPECT_NULL(hvr_retry_policy_get_schedule(policy, NULL, 0, NULL, &steady), "out_count");
  EXPECT_NULL(hvr_retry_policy_get_schedule(policy, NULL, 0, &count, NULL), "out_steady_interval_seconds");
  EXPECT_KEPT(policy);
  EXPECT_KEPT(action);
  EXPECT_KEPT(when);
  EXPECT_KEPT(steady);
  EXPECT_KEPT(count);
  hvr_retry_policy_destroy(policy);
  EXPECT_NULL(hvr_cancel_token_create(NULL), "out");
}

static void test_chunk_diff(const char *disk_path) {
  hvr_chunk_options *options = NULL;
  hvr_manifest *manifest = NULL;
  hvr_diff *diff = NULL;
  hvr_manifest_info info;
  hvr_diff_totals totals;
  const hvr_diff_run *runs = NULL;
  size_t count = 0;
  char *json = NULL;
  char saved[256];

  host_path(saved, sizeof saved, dir, "m.hvrm");
  CHECK_OK(hvr_chunk_options_create(&options));
  CHECK_OK(hvr_manifest_create_zeros(1 << 20, 0, &manifest));
  CHECK_OK(hvr_diff_manifests(manifest, manifest, NULL, &diff));

  PATTERN(info);
  PATTERN(totals);
  KEEP(options);
  KEEP(manifest);
  KEEP(diff);
  KEEP(info);
  KEEP(totals);
  KEEP(runs);
  KEEP(count);
  KEEP(json);

  EXPECT_NULL(hvr_chunk_options_create(NULL), "out");
  EXPECT_NULL(hvr_chunk_options_set_chunk_size(NULL, 0), "options");
  EXPECT_NULL(hvr_chunk_options_set_thread_count(NULL, 1), "options");
  EXPECT_NULL(hvr_chunk_options_set_progress(NULL, on_progress, NULL), "options");
  EXPECT_NULL(hvr_chunk_options_set_cancel_token(NULL, NULL), "options");
  EXPECT_NULL(hvr_chunk_options_set_run_callback(NULL, NULL, NULL), "options");

  EXPECT_NULL(hvr_manifest_build(NULL, options, &manifest), "disk_path");
  EXPECT_NULL(hvr_manifest_build(disk_path, options, NULL), "out");
  EXPECT_NULL(hvr_manifest_create_zeros(1 << 20, 0, NULL), "out");
  EXPECT_NULL(hvr_manifest_load(NULL, &manifest), "path");
  EXPECT_NULL(hvr_manifest_load(saved, NULL), "out");
  EXPECT_NULL(hvr_manifest_save(NULL, saved), "manifest");
  EXPECT_NULL(hvr_manifest_save(manifest, NULL), "path");
  EXPECT_NULL(hvr_manifest_get_info(NULL, &info), "manifest");
  EXPECT_NULL(hvr_manifest_get_info(manifest, NULL), "out");
  EXPECT_NULL(hvr_manifest_update(NULL, disk_path, NULL, 0, NULL), "manifest");
  EXPECT_NULL(hvr_manifest_update(manifest, NULL, NULL, 0, NULL), "disk_path");
  EXPECT_NULL(hvr_manifest_update(manifest, disk_path, NULL, 1, NULL), "ranges");
  EXPECT_NULL(hvr_manifest_invalidate(NULL, 0, 1), "manifest");

  EXPECT_NULL(hvr_diff_disks(NULL, disk_path, NULL, &diff), "source_path");
  EXPECT_NULL(hvr_diff_disks(disk_path, NULL, NULL, &diff), "target_path");
  EXPECT_NULL(hvr_diff_disks(disk_path, disk_path, NULL, NULL), "out");
  EXPECT_NULL(hvr_diff_disk_manifest(NULL, manifest, NULL, &diff), "source_path");
  EXPECT_NULL(hvr_diff_disk_manifest(disk_path, NULL, NULL, &diff), "target");
  EXPECT_NULL(hvr_diff_disk_manifest(disk_path, manifest, NULL, NULL), "out");
  EXPECT_NULL(hvr_diff_manifests(NULL, manifest, NULL, &diff), "source");
  EXPECT_NULL(hvr_diff_manifests(manifest, NULL, NULL, &diff), "target");
  EXPECT_NULL(hvr_diff_manifests(manifest, manifest, NULL, NULL), "out");
  EXPECT_NULL(hvr_diff_get_totals(NULL, &totals), "diff");
  EXPECT_NULL(hvr_diff_get_totals(diff, NULL), "out");
  EXPECT_NULL(hvr_diff_get_runs(NULL, &runs, &count), "diff");
  EXPECT_NULL(hvr_diff_get_runs(diff, NULL, &count), "out_runs");
  EXPECT_NULL(hvr_diff_get_runs(diff, &runs, NULL), "out_count");
  EXPECT_NULL(hvr_diff_get_json(NULL, &json), "diff");
  EXPECT_NULL(hvr_diff_get_json(diff, NULL), "out_json");
  EXPECT_KEPT(options);
  EXPECT_KEPT(manifest);
  EXPECT_KEPT(diff);
  EXPECT_KEPT(info);
  EXPECT_KEPT(totals);
  EXPECT_KEPT(runs);
  EXPECT_KEPT(count);
  EXPECT_KEPT(json);

  hvr_diff_destroy(diff);
  hvr_manifest_destroy(manifest);
  hvr_chunk_options_destroy(options);
}

static hvr_status ignore_range(void *user_data, uint64_t offset, uint64_t length) {
  (void)user_data;
  (void)offset;
  (void)length;
  return HVR_OK;
}

static void test_hrl(void) {
  static const uint8_t guid[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  hvr_hrl_tracker_options *options = NULL;
  hvr_hrl_tracker *tracker = NULL;
  hvr_hrl_reader *reader = NULL;
  hvr_hrl_log_list *list = NULL;
  hvr_extent_map *map = NULL;
  hvr_hrl_header header;
  hvr_hrl_entry entry;
  char *closed = NULL;
  char *path = NULL;
  const char *path_out = NULL;
  const char *no_paths[1] = {NULL};
  size_t count = 0, got = 0;
  uint64_t n = 0;
  int has = 0;
  char folder[160];

  host_path(folder, sizeof folder, dir, "logs");
  host_mkdir(folder);
  CHECK_OK(hvr_hrl_tracker_options_create(&options));
  CHECK_OK(hvr_hrl_tracker_create(folder, 1 << 20, guid, options, &tracker));
  CHECK_OK(hvr_hrl_tracker_rotate(tracker, &closed));
  CHECK_OK(hvr_hrl_reader_open(closed, 1 << 20, &reader));
  CHECK_OK(hvr_hrl_log_list_create(folder, NULL, &list));
  CHECK_OK(hvr_extent_map_create(&map));

  PATTERN(header);
  PATTERN(entry);
  KEEP(options);
  KEEP(tracker);
  KEEP(reader);
  KEEP(list);
  KEEP(map);
  KEEP(header);
  KEEP(entry);
  KEEP(path);
  KEEP(path_out);
  KEEP(count);
  KEEP(got);
  KEEP(n);
  KEEP(has);

  EXPECT_NULL(hvr_hrl_read_header(NULL, &header), "path");
  EXPECT_NULL(hvr_hrl_read_header(closed, NULL), "out");
  EXPECT_NULL(hvr_hrl_check_chain(NULL, 1, NULL), "paths");
  EXPECT_NULL(hvr_hrl_check_chain(no_paths, 1, NULL), "paths[i]");
  EXPECT_NULL(hvr_hrl_reader_open(NULL, 1 << 20, &reader), "path");
  EXPECT_NULL(hvr_hrl_reader_open(closed, 1 << 20, NULL), "out");
  EXPECT_NULL(hvr_hrl_reader_get_header(NULL, &header), "reader");
  EXPECT_NULL(hvr_hrl_reader_get_header(reader, NULL), "out");
  EXPECT_NULL(hvr_hrl_reader_next(NULL, &entry, &has), "reader");
  EXPECT_NULL(hvr_hrl_reader_next(reader, NULL, &has), "entry");
  EXPECT_NULL(hvr_hrl_reader_next(reader, &entry, NULL), "out_has_entry");
  EXPECT_NULL(hvr_hrl_reader_read_data(NULL, NULL, 0, &got), "reader");
  EXPECT_NULL(hvr_hrl_reader_read_data(reader, NULL, 0, NULL), "out_read");
  EXPECT_NULL(hvr_hrl_reader_read_data(reader, NULL, 10, &got), "buffer");

  EXPECT_NULL(hvr_hrl_tracker_options_create(NULL), "out");
  EXPECT_NULL(hvr_hrl_tracker_options_set_log_name(NULL, "x"), "options");
  EXPECT_NULL(hvr_hrl_tracker_options_set_log_name(options, NULL), "log_name");
  EXPECT_NULL(hvr_hrl_tracker_options_set_metadata_size(NULL, 4096), "options");
  EXPECT_NULL(hvr_hrl_tracker_options_set_log_callback(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_hrl_tracker_create(NULL, 1 << 20, guid, options, &tracker), "folder");
  EXPECT_NULL(hvr_hrl_tracker_create(folder, 1 << 20, NULL, options, &tracker), "data_write_guid");
  EXPECT_NULL(hvr_hrl_tracker_create(folder, 1 << 20, guid, options, NULL), "out");
  EXPECT_NULL(hvr_hrl_tracker_record(NULL, 0, guid, 1), "tracker");
  EXPECT_NULL(hvr_hrl_tracker_record(tracker, 0, NULL, 1), "data");
  EXPECT_NULL(hvr_hrl_tracker_flush(NULL), "tracker");
  EXPECT_NULL(hvr_hrl_tracker_rotate(NULL, &path), "tracker");
  EXPECT_NULL(hvr_hrl_tracker_rotate(tracker, NULL), "out_closed_path");
  EXPECT_NULL(hvr_hrl_tracker_close_log(NULL), "tracker");
  EXPECT_NULL(hvr_hrl_tracker_get_current_log(NULL, &path), "tracker");
  EXPECT_NULL(hvr_hrl_tracker_get_current_log(tracker, NULL), "out_path");
  EXPECT_NULL(hvr_hrl_tracker_get_interrupted_log(NULL, &path), "tracker");
  EXPECT_NULL(hvr_hrl_tracker_get_interrupted_log(tracker, NULL), "out_path");
  EXPECT_NULL(hvr_hrl_log_list_create(NULL, NULL, &list), "folder");
  EXPECT_NULL(hvr_hrl_log_list_create(folder, NULL, NULL), "out");
  EXPECT_NULL(hvr_hrl_log_list_get_count(NULL, &count), "list");
  EXPECT_NULL(hvr_hrl_log_list_get_count(list, NULL), "out_count");
  EXPECT_NULL(hvr_hrl_log_list_get_path(NULL, 0, &path_out), "list");
  EXPECT_NULL(hvr_hrl_log_list_get_path(list, 0, NULL), "out_path");

  EXPECT_NULL(hvr_extent_map_create(NULL), "out");
  EXPECT_NULL(hvr_extent_map_clear(NULL), "map");
  EXPECT_NULL(hvr_extent_map_add(NULL, 0, guid, 1), "map");
  EXPECT_NULL(hvr_extent_map_add(map, 0, NULL, 1), "data");
  EXPECT_NULL(hvr_extent_map_options_create(NULL), "out");
  EXPECT_NULL(hvr_extent_map_options_set_progress(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_extent_map_options_set_cancel_token(NULL, NULL), "options");
  EXPECT_NULL(hvr_extent_map_read_logs(NULL, no_paths, 0, 1 << 20, NULL, NULL, &n), "map");
  EXPECT_NULL(hvr_extent_map_read_logs(map, NULL, 1, 1 << 20, NULL, NULL, &n), "paths");
  EXPECT_NULL(hvr_extent_map_read_logs(map, no_paths, 1, 1 << 20, NULL, NULL, &n), "paths[i]");
  EXPECT_NULL(hvr_extent_map_get_changed_bytes(NULL, &n), "map");
  EXPECT_NULL(hvr_extent_map_get_changed_bytes(map, NULL), "out_bytes");
  EXPECT_NULL(hvr_extent_map_get_changed_ranges(NULL, ignore_range, NULL), "map");
  EXPECT_NULL(hvr_extent_map_get_changed_ranges(map, NULL, NULL), "callback");
  EXPECT_NULL(hvr_extent_map_get_page_writes(NULL, 4096, NULL, NULL, NULL, NULL, NULL), "map");
  EXPECT_NULL(hvr_extent_map_get_page_writes(map, 4096, NULL, NULL, NULL, NULL, NULL), "write");
  EXPECT_KEPT(options);
  EXPECT_KEPT(tracker);
  EXPECT_KEPT(reader);
  EXPECT_KEPT(list);
  EXPECT_KEPT(map);
  EXPECT_KEPT(header);
  EXPECT_KEPT(entry);
  EXPECT_KEPT(path);
  EXPECT_KEPT(path_out);
  EXPECT_KEPT(count);
  EXPECT_KEPT(got);
  EXPECT_KEPT(n);
  EXPECT_KEPT(has);

  hvr_extent_map_destroy(map);
  hvr_hrl_log_list_destroy(list);
  hvr_hrl_reader_close(reader);
  hvr_hrl_tracker_destroy(tracker);
  hvr_hrl_tracker_options_destroy(options);
  hvr_string_free(closed);
}

static void test_disks(const char *disk_path) {
  hvr_disk_open_options *open = NULL;
  hvr_disk_create_options *create = NULL;
  hvr_convert_options *convert = NULL;
  hvr_disk *disk = NULL;
  hvr_manifest *manifest = NULL;
  hvr_diff *diff = NULL;
  hvr_disk_info info;
  hvr_disk_range *ranges = NULL;
  hvr_disk_format format;
  size_t count = 0;
  unsigned char byte = 0;
  char out[256];

  host_path(out, sizeof out, dir, "out.raw");
  CHECK_OK(hvr_disk_open_options_create(&open));
  CHECK_OK(hvr_disk_create_options_create(&create));
  CHECK_OK(hvr_convert_options_create(&convert));
  CHECK_OK(hvr_disk_open_writable(disk_path, NULL, &disk));
  CHECK_OK(hvr_manifest_create_zeros(1 << 20, 0, &manifest));

  PATTERN(info);
  PATTERN(format);
  KEEP(open);
  KEEP(create);
  KEEP(convert);
  KEEP(disk);
  KEEP(manifest);
  KEEP(diff);
  KEEP(info);
  KEEP(ranges);
  KEEP(format);
  KEEP(count);
  KEEP(byte);

  EXPECT_NULL(hvr_disk_open_options_create(NULL), "out");
  EXPECT_NULL(hvr_disk_open_options_set_max_chain_depth(NULL, 4), "options");
  EXPECT_NULL(hvr_disk_open_options_set_check_vhd_parent_timestamp(NULL, 0), "options");
  EXPECT_NULL(hvr_disk_open_options_set_format(NULL, HVR_DISK_FORMAT_RAW), "options");
  EXPECT_NULL(hvr_disk_open(NULL, open, &disk), "path");
  EXPECT_NULL(hvr_disk_open(disk_path, open, NULL), "out");
  EXPECT_NULL(hvr_disk_open_writable(NULL, open, &disk), "path");
  EXPECT_NULL(hvr_disk_open_writable(disk_path, open, NULL), "out");
  EXPECT_NULL(hvr_disk_detect_format(NULL, &format), "path");
  EXPECT_NULL(hvr_disk_detect_format(disk_path, NULL), "out_format");
  EXPECT_NULL(hvr_disk_get_info(NULL, &info), "disk");
  EXPECT_NULL(hvr_disk_get_info(disk, NULL), "info");
  EXPECT_NULL(hvr_disk_read(NULL, 0, &byte, 1), "disk");
  EXPECT_NULL(hvr_disk_read(disk, 0, NULL, 1), "buffer");
  EXPECT_NULL(hvr_disk_get_allocated_ranges(NULL, &ranges, &count), "disk");
  EXPECT_NULL(hvr_disk_get_allocated_ranges(disk, NULL, &count), "out_ranges");
  EXPECT_NULL(hvr_disk_get_allocated_ranges(disk, &ranges, NULL), "out_count");
  EXPECT_NULL(hvr_disk_write(NULL, 0, &byte, 1), "disk");
  EXPECT_NULL(hvr_disk_write(disk, 0, NULL, 1), "data");
  EXPECT_NULL(hvr_disk_write_zeros(NULL, 0, 512), "disk");
  EXPECT_NULL(hvr_disk_flush(NULL), "disk");
  EXPECT_NULL(hvr_disk_create_options_create(NULL), "out");
  EXPECT_NULL(hvr_disk_create_options_set_block_size(NULL, 1 << 20), "options");
  EXPECT_NULL(hvr_disk_create_options_set_sector_sizes(NULL, 512, 4096), "options");
  EXPECT_NULL(hvr_disk_create_vhdx(NULL, 1 << 20, HVR_DISK_TYPE_DYNAMIC, create), "path");
  EXPECT_NULL(hvr_disk_create_differencing(NULL, disk_path, create), "child_path");
  EXPECT_NULL(hvr_disk_create_differencing(out, NULL, create), "parent_path");
  EXPECT_NULL(hvr_disk_create_vhd_fixed(NULL, 1 << 20), "path");
  EXPECT_NULL(hvr_disk_create_raw(NULL, 1 << 20), "path");
  EXPECT_NULL(hvr_disk_merge_child(NULL, NULL, NULL), "child_path");
  EXPECT_NULL(hvr_merge_options_create(NULL), "out");
  EXPECT_NULL(hvr_merge_options_set_keep_child(NULL, 1), "options");
  EXPECT_NULL(hvr_merge_options_set_progress(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_merge_options_set_cancel_token(NULL, NULL), "options");
  EXPECT_NULL(hvr_convert_options_create(NULL), "out");
  EXPECT_NULL(hvr_convert_options_set_block_size(NULL, 1 << 20), "options");
  EXPECT_NULL(hvr_convert_options_set_threads(NULL, 1), "options");
  EXPECT_NULL(hvr_convert_options_set_sync(NULL, 1), "options");
  EXPECT_NULL(hvr_convert_options_set_overwrite(NULL, 1), "options");
  EXPECT_NULL(hvr_convert_options_set_progress(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_convert_options_set_cancel_token(NULL, NULL), "options");
  EXPECT_NULL(hvr_disk_convert_to(NULL, out, HVR_CONVERT_RAW, convert), "source");
  EXPECT_NULL(hvr_disk_convert_to(disk, NULL, HVR_CONVERT_RAW, convert), "destination");
  EXPECT_NULL(hvr_disk_build_manifest(NULL, NULL, &manifest), "disk");
  EXPECT_NULL(hvr_disk_build_manifest(disk, NULL, NULL), "out");
  EXPECT_NULL(hvr_disk_update_manifest(NULL, manifest, NULL, 0, NULL), "disk");
  EXPECT_NULL(hvr_disk_update_manifest(disk, NULL, NULL, 0, NULL), "manifest");
  EXPECT_NULL(hvr_disk_update_manifest(disk, manifest, NULL, 1, NULL), "ranges");
  EXPECT_NULL(hvr_disk_diff(NULL, disk, NULL, &diff), "source");
  EXPECT_NULL(hvr_disk_diff(disk, NULL, NULL, &diff), "target");
  EXPECT_NULL(hvr_disk_diff(disk, disk, NULL, NULL), "out");
  EXPECT_NULL(hvr_disk_diff_manifest(NULL, manifest, NULL, &diff), "source");
  EXPECT_NULL(hvr_disk_diff_manifest(disk, NULL, NULL, &diff), "target");
  EXPECT_NULL(hvr_disk_diff_manifest(disk, manifest, NULL, NULL), "out");
  EXPECT_KEPT(open);
  EXPECT_KEPT(create);
  EXPECT_KEPT(convert);
  EXPECT_KEPT(disk);
  EXPECT_KEPT(manifest);
  EXPECT_KEPT(diff);
  EXPECT_KEPT(info);
  EXPECT_KEPT(ranges);
  EXPECT_KEPT(format);
  EXPECT_KEPT(count);
  EXPECT_KEPT(byte);

  hvr_manifest_destroy(manifest);
  hvr_disk_close(disk);
  hvr_convert_options_destroy(convert);
  hvr_disk_create_options_destroy(create);
  hvr_disk_open_options_destroy(open);
}

static void test_stores(const char *disk_path) {
  hvr_store_options *options = NULL;
  hvr_store *store = NULL;
  hvr_disk *disk = NULL;
  hvr_disk_range *ranges = NULL;
  hvr_store_disk_info info;
  hvr_store_statistics statistics = HVR_STORE_STATISTICS_INIT;
  size_t count = 0;
  char *text = NULL;
  unsigned char page[512];
  const char *keys[1] = {NULL};
  const char *values[1] = {NULL};
  char folder[160], out[200];

  host_path(folder, sizeof folder, dir, "store");
  host_path(out, sizeof out, dir, "download.vhd");
  CHECK_OK(hvr_store_options_create(&options));
  CHECK_OK(hvr_store_open(folder, options, &store));
  CHECK_OK(hvr_disk_open(disk_path, NULL, &disk));

  PATTERN(info);
  PATTERN(page);
  KEEP(options);
  KEEP(store);
  KEEP(disk);
  KEEP(ranges);
  KEEP(info);
  KEEP(statistics);
  KEEP(count);
  KEEP(text);
  KEEP(page);

  EXPECT_NULL(hvr_store_options_create(NULL), "out");
  EXPECT_NULL(hvr_store_options_set_max_in_flight(NULL, 4), "options");
  EXPECT_NULL(hvr_store_options_set_blob_requests(NULL, 500), "options");
  EXPECT_NULL(hvr_store_options_set_timeouts(NULL, 1, 1), "options");
  EXPECT_NULL(hvr_store_options_set_tls(NULL, 1, NULL), "options");
  EXPECT_NULL(hvr_store_options_set_proxy(NULL, NULL), "options");
  EXPECT_NULL(hvr_store_options_set_bandwidth(NULL, 0, 0, 0, 60, 0), "options");
  EXPECT_NULL(hvr_store_options_set_encryption_key(NULL, page, 32), "options");
  EXPECT_NULL(hvr_store_options_set_encryption_key(options, NULL, 32), "key");
  EXPECT_NULL(hvr_store_options_set_log(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_store_options_set_retries(NULL, 6, 1000, 30000, 120000), "options");
  EXPECT_NULL(hvr_store_open(NULL, options, &store), "target");
  EXPECT_NULL(hvr_store_open(folder, options, NULL), "out");
  EXPECT_NULL(hvr_store_get_disks_json(NULL, &text), "store");
  EXPECT_NULL(hvr_store_get_disks_json(store, NULL), "out_json");
  EXPECT_NULL(hvr_store_get_statistics(NULL, &statistics), "store");
  EXPECT_NULL(hvr_store_get_statistics(store, NULL), "out");
  EXPECT_NULL(hvr_transfer_options_create(NULL), "out");
  EXPECT_NULL(hvr_transfer_options_set_progress(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_transfer_options_set_cancel_token(NULL, NULL), "options");
  EXPECT_NULL(hvr_store_upload_image(NULL, disk_path, "d", NULL, NULL), "store");
  EXPECT_NULL(hvr_store_upload_image(store, NULL, "d", NULL, NULL), "image_path");
  EXPECT_NULL(hvr_store_upload_image(store, disk_path, NULL, NULL, NULL), "disk_name");
  EXPECT_NULL(hvr_store_upload_open_disk(NULL, disk, "d", NULL, NULL), "store");
  EXPECT_NULL(hvr_store_upload_open_disk(store, NULL, "d", NULL, NULL), "disk");
  EXPECT_NULL(hvr_store_upload_open_disk(store, disk, NULL, NULL, NULL), "disk_name");
  EXPECT_NULL(hvr_store_download_image(NULL, "d", NULL, out, 1, NULL, NULL), "store");
  EXPECT_NULL(hvr_store_download_image(store, NULL, NULL, out, 1, NULL, NULL), "disk_name");
  EXPECT_NULL(hvr_store_download_image(store, "d", NULL, NULL, 1, NULL, NULL), "out_path");
  EXPECT_NULL(hvr_store_delete_disk(NULL, "d"), "store");
  EXPECT_NULL(hvr_store_delete_disk(store, NULL), "disk_name");
  EXPECT_NULL(hvr_store_create_recovery_point(NULL, "d", 0, &text), "store");
  EXPECT_NULL(hvr_store_create_recovery_point(store, NULL, 0, &text), "disk_name");
  EXPECT_NULL(hvr_store_create_recovery_point(store, "d", 0, NULL), "out_id");
  EXPECT_NULL(hvr_store_get_recovery_points_json(NULL, "d", &text), "store");
  EXPECT_NULL(hvr_store_get_recovery_points_json(store, NULL, &text), "disk_name");
  EXPECT_NULL(hvr_store_get_recovery_points_json(store, "d", NULL), "out_json");
  EXPECT_NULL(hvr_store_delete_recovery_point(NULL, "d", "p"), "store");
  EXPECT_NULL(hvr_store_delete_recovery_point(store, NULL, "p"), "disk_name");
  EXPECT_NULL(hvr_store_delete_recovery_point(store, "d", NULL), "recovery_point");
  EXPECT_NULL(hvr_store_create_disk(NULL, "d", 1 << 20), "store");
  EXPECT_NULL(hvr_store_create_disk(store, NULL, 1 << 20), "disk_name");
  EXPECT_NULL(hvr_store_write_pages(NULL, "d", 0, page, 512), "store");
  EXPECT_NULL(hvr_store_write_pages(store, NULL, 0, page, 512), "disk_name");
  EXPECT_NULL(hvr_store_write_pages(store, "d", 0, NULL, 512), "data");
  EXPECT_NULL(hvr_store_clear_pages(NULL, "d", 0, 512), "store");
  EXPECT_NULL(hvr_store_clear_pages(store, NULL, 0, 512), "disk_name");
  EXPECT_NULL(hvr_store_read(NULL, "d", NULL, 0, page, 512), "store");
  EXPECT_NULL(hvr_store_read(store, NULL, NULL, 0, page, 512), "disk_name");
  EXPECT_NULL(hvr_store_read(store, "d", NULL, 0, NULL, 512), "buffer");
  EXPECT_NULL(hvr_store_get_allocated_ranges(NULL, "d", NULL, &ranges, &count), "store");
  EXPECT_NULL(hvr_store_get_allocated_ranges(store, NULL, NULL, &ranges, &count), "disk_name");
  EXPECT_NULL(hvr_store_get_allocated_ranges(store, "d", NULL, NULL, &count), "out_ranges");
  EXPECT_NULL(hvr_store_get_allocated_ranges(store, "d", NULL, &ranges, NULL), "out_count");
  EXPECT_NULL(hvr_store_get_changed_ranges(NULL, "d", "p", NULL, &ranges, &count), "store");
  EXPECT_NULL(hvr_store_get_changed_ranges(store, NULL, "p", NULL, &ranges, &count), "disk_name");
  EXPECT_NULL(hvr_store_get_changed_ranges(store, "d", NULL, NULL, &ranges, &count), "from");
  EXPECT_NULL(hvr_store_get_changed_ranges(store, "d", "p", NULL, NULL, &count), "out_ranges");
  EXPECT_NULL(hvr_store_get_changed_ranges(store, "d", "p", NULL, &ranges, NULL), "out_count");
  EXPECT_NULL(hvr_store_copy_recovery_point(NULL, "d", "p", "e"), "store");
  EXPECT_NULL(hvr_store_copy_recovery_point(store, NULL, "p", "e"), "disk_name");
  EXPECT_NULL(hvr_store_copy_recovery_point(store, "d", NULL, "e"), "recovery_point");
  EXPECT_NULL(hvr_store_copy_recovery_point(store, "d", "p", NULL), "new_disk_name");
  EXPECT_NULL(hvr_store_get_disk(NULL, "d", &info), "store");
  EXPECT_NULL(hvr_store_get_disk(store, NULL, &info), "disk_name");
  EXPECT_NULL(hvr_store_get_disk(store, "d", NULL), "out");
  EXPECT_NULL(hvr_store_set_metadata(NULL, "d", keys, values, 0), "store");
  EXPECT_NULL(hvr_store_set_metadata(store, NULL, keys, values, 0), "disk_name");
  EXPECT_NULL(hvr_store_set_metadata(store, "d", NULL, values, 1), "keys");
  EXPECT_NULL(hvr_store_set_metadata(store, "d", keys, NULL, 1), "values");
  EXPECT_NULL(hvr_store_set_metadata(store, "d", keys, values, 1), "keys[i]");
  EXPECT_NULL(hvr_store_get_metadata_json(NULL, "d", &text), "store");
  EXPECT_NULL(hvr_store_get_metadata_json(store, NULL, &text), "disk_name");
  EXPECT_NULL(hvr_store_get_metadata_json(store, "d", NULL), "out_json");
  EXPECT_NULL(hvr_store_acquire_lease(NULL, "d", 15, NULL, &text), "store");
  EXPECT_NULL(hvr_store_acquire_lease(store, NULL, 15, NULL, &text), "disk_name");
  EXPECT_NULL(hvr_store_acquire_lease(store, "d", 15, NULL, NULL), "out_lease_id");
  EXPECT_NULL(hvr_store_renew_lease(NULL, "d"), "store");
  EXPECT_NULL(hvr_store_renew_lease(store, NULL), "disk_name");
  EXPECT_NULL(hvr_store_release_lease(NULL, "d"), "store");
  EXPECT_NULL(hvr_store_release_lease(store, NULL), "disk_name");
  EXPECT_NULL(hvr_store_break_lease(NULL, "d", 0), "store");
  EXPECT_NULL(hvr_store_break_lease(store, NULL, 0), "disk_name");
  EXPECT_KEPT(options);
  EXPECT_KEPT(store);
  EXPECT_KEPT(disk);
  EXPECT_KEPT(ranges);
  EXPECT_KEPT(info);
  EXPECT_KEPT(statistics);
  EXPECT_KEPT(count);
  EXPECT_KEPT(text);
  EXPECT_KEPT(page);

  hvr_disk_close(disk);
  hvr_store_close(store);
  hvr_store_options_destroy(options);
}

static hvr_status no_checkpoint(void *user_data, const hvr_host_vm *vm, hvr_checkpoint *checkpoint) {
  (void)user_data;
  (void)vm;
  (void)checkpoint;
  return HVR_OK;
}

static void test_replication(const char *disk_path) {
  hvr_engine_options *engine_options = NULL;
  hvr_engine *engine = NULL;
  hvr_protection *protection = NULL;
  hvr_host *host = NULL;
  hvr_session_options *options = NULL;
  hvr_session *session = NULL;
  hvr_scheduler *scheduler = NULL;
  hvr_plan *plan = NULL;
  hvr_session_status status;
  hvr_job_progress progress = HVR_JOB_PROGRESS_INIT;
  hvr_replication_statistics statistics_since = HVR_REPLICATION_STATISTICS_INIT;
  hvr_store_statistics statistics = HVR_STORE_STATISTICS_INIT;
  const int64_t delays[2] = {10, 20};
  hvr_cycle_report cycle;
  hvr_job_list *jobs = NULL, *no_jobs = NULL;
  hvr_job_info job = HVR_JOB_INFO_INIT;
  size_t job_count = 0;
  char state[200], store[200];
  char *text = NULL;
  size_t group = 0;
  int flag = 0;
  int64_t when = 0;

  host_path(state, sizeof state, dir, "state");
  host_path(store, sizeof store, dir, "replicas");
  PATTERN(status);
  PATTERN(cycle);
  status.struct_size = sizeof status;
  cycle.struct_size = sizeof cycle;
  CHECK_OK(hvr_engine_options_create(&engine_options));
  CHECK_OK(hvr_engine_create(engine_options, &engine));
  CHECK_OK(hvr_protection_create("null-vm", store, &protection));
  CHECK_OK(hvr_protection_add_disk(protection, disk_path, NULL, NULL, NULL));
  CHECK_OK(hvr_host_create(NULL, &host));
  CHECK_OK(hvr_session_options_create(&options));
  CHECK_OK(hvr_session_enable_protection(engine, state, protection, NULL, NULL, &session));
  CHECK_OK(hvr_plan_create("p", &plan));
  CHECK_OK(hvr_plan_add_group(plan, &group));
  CHECK_OK(hvr_session_get_jobs(session, &jobs));

  KEEP(engine_options);
  KEEP(engine);
  KEEP(protection);
  KEEP(host);
  KEEP(options);
  KEEP(session);
  KEEP(plan);
  KEEP(status);
  KEEP(progress);
  KEEP(statistics_since);
  KEEP(statistics);
  KEEP(cycle);
  KEEP(text);
  KEEP(group);
  KEEP(flag);
  KEEP(when);
  KEEP(no_jobs);
  KEEP(job);
  KEEP(job_count);

  EXPECT_NULL(hvr_engine_options_create(NULL), "out");
  EXPECT_NULL(hvr_engine_options_set_io_threads(NULL, 1), "options");
  EXPECT_NULL(hvr_engine_options_set_max_active_sessions(NULL, 1), "options");
  EXPECT_NULL(hvr_engine_options_set_log(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_engine_create(NULL, NULL), "out");

  EXPECT_NULL(hvr_protection_create(NULL, store, &protection), "vm_name");
  EXPECT_NULL(hvr_protection_create("v", NULL, &protection), "target");
  EXPECT_NULL(hvr_protection_create("v", store, NULL), "out");
  EXPECT_NULL(hvr_protection_add_disk(NULL, disk_path, NULL, NULL, NULL), "protection");
  EXPECT_NULL(hvr_protection_add_disk(protection, NULL, NULL, NULL, NULL), "path");
  EXPECT_NULL(hvr_protection_set_replication_interval(NULL, 30), "protection");
  EXPECT_NULL(hvr_protection_set_recovery_history_hours(NULL, 1), "protection");
  EXPECT_NULL(hvr_protection_set_app_consistent_frequency_hours(NULL, 1), "protection");
  EXPECT_NULL(hvr_protection_set_rpo_threshold(NULL, 60), "protection");
  EXPECT_NULL(hvr_protection_set_max_in_flight(NULL, 8), "protection");
  EXPECT_NULL(hvr_protection_set_tls(NULL, 1, NULL), "protection");
  EXPECT_NULL(hvr_protection_set_proxy(NULL, NULL), "protection");
  EXPECT_NULL(hvr_protection_set_encryption_key_file(NULL, "k"), "protection");
  EXPECT_NULL(hvr_protection_set_encryption_key_file(protection, NULL), "path");
  EXPECT_NULL(hvr_protection_set_bandwidth(NULL, 0, 0, 0, 60, 0), "protection");
  EXPECT_NULL(hvr_protection_set_link(NULL, 12500000, 500), "protection");
  EXPECT_NULL(hvr_protection_set_resync_window(NULL, 1, 0, 60, 0), "protection");
  EXPECT_NULL(hvr_protection_set_chunk_size(NULL, 0), "protection");
  EXPECT_NULL(hvr_protection_set_failover_setting(NULL, "k", "v"), "protection");
  EXPECT_NULL(hvr_protection_set_failover_setting(protection, NULL, "v"), "key");
  EXPECT_NULL(hvr_protection_set_failover_setting(protection, "k", NULL), "value");

  EXPECT_NULL(hvr_checkpoint_set_disk(NULL, 0, "p", NULL), "checkpoint");
  EXPECT_NULL(hvr_host_create(NULL, NULL), "out");
  EXPECT_NULL(hvr_host_set_checkpoint(NULL, no_checkpoint), "host");
  EXPECT_NULL(hvr_host_set_merge_checkpoint(NULL, NULL), "host");
  EXPECT_NULL(hvr_host_set_rotate_logs(NULL, NULL), "host");
  EXPECT_NULL(hvr_host_set_shutdown_vm(NULL, NULL), "host");
  EXPECT_NULL(hvr_host_set_start_vm(NULL, NULL), "host");
  EXPECT_NULL(hvr_host_set_create_azure_vm(NULL, NULL), "host");
  EXPECT_NULL(hvr_host_set_shutdown_azure_vm(NULL, NULL), "host");
  EXPECT_NULL(hvr_host_set_delete_azure_vm(NULL, NULL), "host");
  EXPECT_NULL(hvr_host_set_plan_action(NULL, NULL), "host");
  EXPECT_NULL(hvr_host_set_vm_running(NULL, NULL), "host");
  EXPECT_NULL(hvr_host_set_stop_tracking(NULL, NULL), "host");

  EXPECT_NULL(hvr_session_options_create(NULL), "out");
  EXPECT_NULL(hvr_session_options_set_host(NULL, host), "options");
  EXPECT_NULL(hvr_session_options_set_job_callback(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_session_options_set_job_info_callback(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_session_options_set_event_callback(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_session_options_set_log(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_session_options_set_max_in_flight(NULL, 1), "options");
  EXPECT_NULL(hvr_session_options_set_agent_id_file(NULL, "agent-id"), "options");
  EXPECT_NULL(hvr_session_options_set_retries(NULL, 6, 1000, 30000, 120000), "options");
  EXPECT_NULL(hvr_session_options_set_operation_retry_delays(NULL, delays, 2), "options");
  EXPECT_NULL(hvr_session_options_set_operation_retry_delays(options, NULL, 2), "delays_ms");
  EXPECT_NULL(hvr_session_enable_protection(NULL, state, protection, NULL, NULL, &session), "engine");
  EXPECT_NULL(hvr_session_enable_protection(engine, NULL, protection, NULL, NULL, &session), "state_dir");
  EXPECT_NULL(hvr_session_enable_protection(engine, state, NULL, NULL, NULL, &session), "protection");
  EXPECT_NULL(hvr_session_enable_protection(engine, state, protection, NULL, NULL, NULL), "out");
  EXPECT_NULL(hvr_session_open(NULL, state, NULL, 1, &session), "engine");
  EXPECT_NULL(hvr_session_open(engine, NULL, NULL, 1, &session), "state_dir");
  EXPECT_NULL(hvr_session_open(engine, state, NULL, 1, NULL), "out");
  EXPECT_NULL(hvr_run_options_create(NULL), "out");
  EXPECT_NULL(hvr_run_options_set_cancel_token(NULL, NULL), "options");
  EXPECT_NULL(hvr_session_run_initial_replication(NULL, NULL), "session");
  EXPECT_NULL(hvr_session_run_delta_cycle(NULL, NULL, &cycle), "session");
  EXPECT_NULL(hvr_resync_options_create(NULL), "out");
  EXPECT_NULL(hvr_resync_options_set_verify_replica(NULL, 1), "options");
  EXPECT_NULL(hvr_session_resync(NULL, NULL), "session");
  EXPECT_NULL(hvr_session_schedule_resync(NULL, NULL, NULL), "session");
  EXPECT_NULL(hvr_resync_options_set_cancel_token(NULL, NULL), "options");
  EXPECT_NULL(hvr_session_clear_error(NULL), "session");
  EXPECT_NULL(hvr_settings_change_create(NULL), "out");
  EXPECT_NULL(hvr_settings_change_set_target(NULL, store), "change");
  EXPECT_NULL(hvr_settings_change_set_replication_interval(NULL, 30), "change");
  EXPECT_NULL(hvr_settings_change_set_recovery_history_hours(NULL, 1), "change");
  EXPECT_NULL(hvr_settings_change_set_app_consistent_frequency_hours(NULL, 1), "change");
  EXPECT_NULL(hvr_settings_change_set_bandwidth(NULL, 0, 0, 0, 60, 0), "change");
  EXPECT_NULL(hvr_settings_change_set_link(NULL, 12500000, 500), "change");
  EXPECT_NULL(hvr_settings_change_set_resync_window(NULL, 1, 0, 60, 0), "change");
  EXPECT_NULL(hvr_settings_change_set_max_in_flight(NULL, 8), "change");
  EXPECT_NULL(hvr_session_set_settings(NULL, NULL), "session");
  EXPECT_NULL(hvr_session_set_settings(session, NULL), "change");
  EXPECT_NULL(hvr_remove_disk_options_create(NULL), "out");
  EXPECT_NULL(hvr_remove_disk_options_set_delete_replica(NULL, 1), "options");
  EXPECT_NULL(hvr_session_remove_disk(NULL, "disk0", NULL), "session");
  EXPECT_NULL(hvr_session_remove_disk(session, NULL, NULL), "disk");
  EXPECT_NULL(hvr_add_disk_options_create(NULL), "out");
  EXPECT_NULL(hvr_add_disk_options_set_replica_name(NULL, "d"), "options");
  EXPECT_NULL(hvr_add_disk_options_set_logs(NULL, NULL, NULL), "options");
  EXPECT_NULL(hvr_session_add_disk(NULL, "disk0.vhdx", NULL), "session");
  EXPECT_NULL(hvr_session_add_disk(session, NULL, NULL), "path");
  EXPECT_NULL(hvr_session_suspend(NULL), "session");
  EXPECT_NULL(hvr_session_resume(NULL), "session");
  EXPECT_NULL(hvr_protect_options_create(NULL), "out");
  EXPECT_NULL(hvr_protect_options_set_seed(NULL, 1), "options");
  EXPECT_NULL(hvr_session_enable_protection(NULL, state, protection, NULL, NULL, &session), "engine");
  EXPECT_NULL(hvr_session_enable_protection(engine, NULL, protection, NULL, NULL, &session), "state_dir");
  EXPECT_NULL(hvr_session_enable_protection(engine, state, NULL, NULL, NULL, &session), "protection");
  EXPECT_NULL(hvr_session_enable_protection(engine, state, protection, NULL, NULL, NULL), "out");
  EXPECT_NULL(hvr_adopt_options_create(NULL), "out");
  EXPECT_NULL(hvr_adopt_options_set_resync(NULL, 1), "options");
  EXPECT_NULL(hvr_session_adopt(NULL, state, protection, NULL, NULL, &session), "engine");
  EXPECT_NULL(hvr_session_adopt(engine, NULL, protection, NULL, NULL, &session), "state_dir");
  EXPECT_NULL(hvr_session_adopt(engine, state, NULL, NULL, NULL, &session), "protection");
  EXPECT_NULL(hvr_session_adopt(engine, state, protection, NULL, NULL, NULL), "out");
  EXPECT_NULL(hvr_unprotect_options_create(NULL), "out");
  EXPECT_NULL(hvr_unprotect_options_set_delete_replicas(NULL, 1), "options");
  EXPECT_NULL(hvr_session_unprotect(NULL, state, NULL, NULL), "engine");
  EXPECT_NULL(hvr_session_unprotect(engine, NULL, NULL, NULL), "state_dir");
  EXPECT_NULL(hvr_session_run_due_work(NULL, NULL, &flag), "session");
  EXPECT_NULL(hvr_session_run_due_work(session, NULL, NULL), "out_ran");
  EXPECT_NULL(hvr_session_get_next_due(NULL, &flag, &when), "session");
  EXPECT_NULL(hvr_session_get_next_due(session, NULL, &when), "out_has");
  EXPECT_NULL(hvr_session_get_next_due(session, &flag, NULL), "out_when");
  EXPECT_NULL(hvr_session_get_removed(NULL, &flag), "session");
  EXPECT_NULL(hvr_session_get_removed(session, NULL), "out_removed");
  EXPECT_NULL(hvr_session_get_status(NULL, &status), "session");
  EXPECT_NULL(hvr_session_get_status(session, NULL), "out");
  EXPECT_NULL(hvr_session_get_progress(NULL, &progress), "session");
  EXPECT_NULL(hvr_session_get_progress(session, NULL), "out");
  EXPECT_NULL(hvr_session_get_statistics(NULL, 0, &statistics_since), "session");
  EXPECT_NULL(hvr_session_get_statistics(session, 0, NULL), "out");
  EXPECT_NULL(hvr_session_reset_statistics(NULL), "session");
  EXPECT_NULL(hvr_session_get_store_statistics(NULL, &statistics), "session");
  EXPECT_NULL(hvr_session_get_store_statistics(session, NULL), "out");
  EXPECT_NULL(hvr_session_get_status_json(NULL, &text), "session");
  EXPECT_NULL(hvr_session_get_status_json(session, NULL), "out_json");
  EXPECT_NULL(hvr_session_get_jobs_json(NULL, &text), "session");
  EXPECT_NULL(hvr_session_get_jobs_json(session, NULL), "out_json");
  EXPECT_NULL(hvr_session_get_jobs(NULL, &no_jobs), "session");
  EXPECT_NULL(hvr_session_get_jobs(session, NULL), "out");
  EXPECT_NULL(hvr_job_list_get_count(NULL, &job_count), "list");
  EXPECT_NULL(hvr_job_list_get_count(jobs, NULL), "out_count");
  EXPECT_NULL(hvr_job_list_get(NULL, 0, &job), "list");
  EXPECT_NULL(hvr_job_list_get(jobs, 0, NULL), "out");
  EXPECT_NULL(hvr_session_get_recovery_points_json(NULL, &text), "session");
  EXPECT_NULL(hvr_session_get_recovery_points_json(session, NULL), "out_json");
  EXPECT_NULL(hvr_session_verify_point(NULL, NULL, NULL, &flag, NULL), "session");
  EXPECT_NULL(hvr_session_verify_point(session, NULL, NULL, NULL, NULL), "out_identical");
  EXPECT_NULL(hvr_session_failover(NULL, NULL, 0, &text), "session");
  EXPECT_NULL(hvr_session_failover(session, NULL, 0, NULL), "out_vm_json");
  EXPECT_NULL(hvr_session_commit_failover(NULL), "session");
  EXPECT_NULL(hvr_session_test_failover(NULL, NULL, &text), "session");
  EXPECT_NULL(hvr_session_test_failover(session, NULL, NULL), "out_vm_json");
  EXPECT_NULL(hvr_session_cleanup_test_failover(NULL), "session");
  EXPECT_NULL(hvr_session_failback_sync(NULL, NULL, &text), "session");
  EXPECT_NULL(hvr_session_failback_sync(session, NULL, NULL), "out_report_json");
  EXPECT_NULL(hvr_session_failback_complete(NULL, NULL, &text), "session");
  EXPECT_NULL(hvr_session_failback_complete(session, NULL, NULL), "out_report_json");
  EXPECT_NULL(hvr_session_commit_failback(NULL), "session");
  EXPECT_NULL(hvr_session_reverse(NULL), "session");

  EXPECT_NULL(hvr_scheduler_create(NULL, &scheduler), "engine");
  EXPECT_NULL(hvr_scheduler_create(engine, NULL), "out");
  CHECK_OK(hvr_scheduler_create(engine, &scheduler));
  {
    KEEP(scheduler);
    EXPECT_NULL(hvr_scheduler_add(NULL, session), "scheduler");
    EXPECT_NULL(hvr_scheduler_add(scheduler, NULL), "session");
    EXPECT_NULL(hvr_scheduler_remove(NULL, session), "scheduler");
    EXPECT_NULL(hvr_scheduler_remove(scheduler, NULL), "session");
    EXPECT_KEPT(scheduler);
  }
  hvr_scheduler_destroy(scheduler);

  EXPECT_NULL(hvr_plan_create(NULL, &plan), "name");
  EXPECT_NULL(hvr_plan_create("p", NULL), "out");
  EXPECT_NULL(hvr_plan_add_group(NULL, &group), "plan");
  EXPECT_NULL(hvr_plan_add_group(plan, NULL), "out_index");
  EXPECT_NULL(hvr_plan_add_vm(NULL, 0, session), "plan");
  EXPECT_NULL(hvr_plan_add_vm(plan, 0, NULL), "session");
  EXPECT_NULL(hvr_plan_add_action(NULL, 0, 0, "a"), "plan");
  EXPECT_NULL(hvr_plan_add_action(plan, 0, 0, NULL), "action");
  EXPECT_NULL(hvr_plan_set_continue_on_failure(NULL, 1), "plan");
  EXPECT_NULL(hvr_plan_run(NULL, HVR_PLAN_TEST, NULL, NULL, &text), "plan");
  EXPECT_NULL(hvr_plan_run(plan, HVR_PLAN_TEST, NULL, NULL, NULL), "out_outcome_json");

  EXPECT_KEPT(engine_options);
  EXPECT_KEPT(engine);
  EXPECT_KEPT(protection);
  EXPECT_KEPT(host);
  EXPECT_KEPT(options);
  EXPECT_KEPT(session);
  EXPECT_KEPT(plan);
  EXPECT_KEPT(status);
  EXPECT_KEPT(progress);
  EXPECT_KEPT(statistics_since);
  EXPECT_KEPT(statistics);
  EXPECT_KEPT(cycle);
  EXPECT_KEPT(text);
  EXPECT_KEPT(group);
  EXPECT_KEPT(flag);
  EXPECT_KEPT(when);
  EXPECT_KEPT(no_jobs);
  EXPECT_KEPT(job);
  EXPECT_KEPT(job_count);
  hvr_job_list_destroy(jobs);

  hvr_plan_destroy(plan);
  hvr_session_close(session);
  hvr_session_options_destroy(options);
  hvr_host_destroy(host);
  hvr_protection_destroy(protection);
  hvr_engine_destroy(engine);
  hvr_engine_options_destroy(engine_options);
}

/* Destroy, close and free calls accept NULL; the rest take no pointer at all. */
static void test_no_required_pointer(void) {
  ACCEPTS_NULL(hvr_string_free(NULL));
  ACCEPTS_NULL(hvr_disk_ranges_free(NULL));
  ACCEPTS_NULL(hvr_cancel_token_cancel(NULL));
  ACCEPTS_NULL(CHECK(hvr_cancel_token_is_cancelled(NULL) == 0));
  ACCEPTS_NULL(hvr_cancel_token_destroy(NULL));
  ACCEPTS_NULL(hvr_retry_policy_destroy(NULL));
  ACCEPTS_NULL(hvr_chunk_options_destroy(NULL));
  ACCEPTS_NULL(hvr_manifest_destroy(NULL));
  ACCEPTS_NULL(hvr_diff_destroy(NULL));
  ACCEPTS_NULL(hvr_hrl_reader_close(NULL));
  ACCEPTS_NULL(hvr_hrl_tracker_options_destroy(NULL));
  ACCEPTS_NULL(hvr_hrl_tracker_destroy(NULL));
  ACCEPTS_NULL(hvr_hrl_log_list_destroy(NULL));
  ACCEPTS_NULL(hvr_job_list_destroy(NULL));
  ACCEPTS_NULL(hvr_merge_options_destroy(NULL));
  ACCEPTS_NULL(hvr_extent_map_destroy(NULL));
  ACCEPTS_NULL(hvr_extent_map_options_destroy(NULL));
  ACCEPTS_NULL(hvr_disk_open_options_destroy(NULL));
  ACCEPTS_NULL(hvr_disk_create_options_destroy(NULL));
  ACCEPTS_NULL(hvr_convert_options_destroy(NULL));
  ACCEPTS_NULL(hvr_disk_close(NULL));
  ACCEPTS_NULL(hvr_store_options_destroy(NULL));
  ACCEPTS_NULL(hvr_transfer_options_destroy(NULL));
  ACCEPTS_NULL(hvr_store_close(NULL));
  ACCEPTS_NULL(hvr_engine_options_destroy(NULL));
  ACCEPTS_NULL(hvr_engine_destroy(NULL));
  ACCEPTS_NULL(hvr_protection_destroy(NULL));
  ACCEPTS_NULL(hvr_host_destroy(NULL));
  ACCEPTS_NULL(hvr_session_options_destroy(NULL));
  ACCEPTS_NULL(hvr_resync_options_destroy(NULL));
  ACCEPTS_NULL(hvr_run_options_destroy(NULL));
  ACCEPTS_NULL(hvr_settings_change_destroy(NULL));
  ACCEPTS_NULL(hvr_unprotect_options_destroy(NULL));
  ACCEPTS_NULL(hvr_remove_disk_options_destroy(NULL));
  ACCEPTS_NULL(hvr_add_disk_options_destroy(NULL));
  ACCEPTS_NULL(hvr_protect_options_destroy(NULL));
  ACCEPTS_NULL(hvr_adopt_options_destroy(NULL));
  ACCEPTS_NULL(hvr_session_close(NULL));
  ACCEPTS_NULL(hvr_scheduler_destroy(NULL));
  ACCEPTS_NULL(hvr_plan_destroy(NULL));

  TAKES_NO_POINTER(hvr_abi_version);
  TAKES_NO_POINTER(hvr_version);
  TAKES_NO_POINTER(hvr_last_error_message);
  TAKES_NO_POINTER(hvr_status_name);
  TAKES_NO_POINTER(hvr_job_type_name);
  TAKES_NO_POINTER(hvr_job_state_name);
  TAKES_NO_POINTER(hvr_status_class);
  TAKES_NO_POINTER(hvr_status_is_recoverable);
  TAKES_NO_POINTER(hvr_health_name);
  TAKES_NO_POINTER(hvr_replication_state_name);
}

/* The deprecated aliases (hvr.h's last section) forward to the calls that replaced them,
 * refusing NULL as those do and writing nothing. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
static void test_deprecated_aliases(void) {
  hvr_hrl_header header;
  hvr_hrl_log_list *list = NULL;
  hvr_session *session = NULL;
  hvr_disk_range *ranges = NULL;
  const char *path = NULL;
  char *text = NULL;
  size_t count = 7;
  uint64_t bytes = 7;
  int flag = 7;
  int64_t when = 7;

  PATTERN(header);
  KEEP(header);
  KEEP(list);
  KEEP(session);
  KEEP(ranges);
  KEEP(path);
  KEEP(text);
  KEEP(count);
  KEEP(bytes);
  KEEP(flag);
  KEEP(when);

  EXPECT_NULL(hvr_hrl_reader_header(NULL, &header), "reader");
  EXPECT_NULL(hvr_hrl_list_closed_logs(NULL, NULL, &list), "folder");
  EXPECT_NULL(hvr_hrl_log_list_count(NULL, &count), "list");
  EXPECT_NULL(hvr_hrl_log_list_path(NULL, 0, &path), "list");
  EXPECT_NULL(hvr_hrl_tracker_current_log(NULL, &text), "tracker");
  EXPECT_NULL(hvr_hrl_tracker_interrupted_log(NULL, &text), "tracker");
  EXPECT_NULL(hvr_hrl_tracker_close(NULL), "tracker");
  EXPECT_NULL(hvr_extent_map_changed_bytes(NULL, &bytes), "map");
  EXPECT_NULL(hvr_extent_map_changed_ranges(NULL, ignore_range, NULL), "map");
  EXPECT_NULL(hvr_disk_allocated_ranges(NULL, &ranges, &count), "disk");
  EXPECT_NULL(hvr_store_allocated_ranges(NULL, "d", NULL, &ranges, &count), "store");
  EXPECT_NULL(hvr_store_changed_ranges(NULL, "d", "p", NULL, &ranges, &count), "store");
  EXPECT_NULL(hvr_store_list_json(NULL, &text), "store");
  EXPECT_NULL(hvr_store_list_recovery_points_json(NULL, "d", &text), "store");
  EXPECT_NULL(hvr_session_status_json(NULL, &text), "session");
  EXPECT_NULL(hvr_session_jobs_json(NULL, &text), "session");
  EXPECT_NULL(hvr_session_recovery_points_json(NULL, &text), "session");
  EXPECT_NULL(hvr_session_next_due(NULL, &flag, &when), "session");
  EXPECT_NULL(hvr_diff_to_json(NULL, &text), "diff");
  EXPECT_NULL(hvr_disk_merge(NULL, 0, NULL, NULL, NULL, NULL), "child_path");
  EXPECT_NULL(hvr_disk_merge_into_parent(NULL, NULL, &text), "child_path");
  EXPECT_NULL(hvr_session_protect(NULL, "s", NULL, NULL, &session), "engine");
  EXPECT_NULL(hvr_session_protect_with(NULL, "s", NULL, NULL, NULL, &session), "engine");
  EXPECT_NULL(hvr_session_resynchronize(NULL, NULL), "session");
  EXPECT_NULL(hvr_session_resynchronize_with(NULL, NULL, NULL), "session");
  EXPECT_NULL(hvr_session_request_resync(NULL, NULL), "session");
  EXPECT_NULL(hvr_session_request_resync_with(NULL, NULL, NULL), "session");
  EXPECT_NULL(hvr_chunk_options_set_threads(NULL, 1), "options");
  EXPECT_NULL(hvr_extent_map_add_logs(NULL, NULL, 0, 1 << 20, NULL, NULL, &bytes), "map");
  EXPECT_NULL(hvr_extent_map_page_writes(NULL, 4096, NULL, NULL, NULL, NULL, NULL), "map");
  EXPECT_NULL(hvr_disk_convert(NULL, "c.raw", HVR_CONVERT_RAW, NULL, NULL, NULL, NULL), "source");
  EXPECT_NULL(hvr_store_upload(NULL, "disk.raw", "d", NULL, NULL, NULL, NULL), "store");
  EXPECT_NULL(hvr_store_upload_disk(NULL, NULL, "d", NULL, NULL, NULL, NULL), "store");
  EXPECT_NULL(hvr_store_download(NULL, "d", NULL, "out.raw", 1, NULL, NULL, NULL, NULL), "store");
  EXPECT_NULL(hvr_session_replicate_initially(NULL, NULL), "session");
  EXPECT_NULL(hvr_session_run_cycle(NULL, NULL, NULL), "session");
  EXPECT_NULL(hvr_session_run_due(NULL, NULL, &flag), "session");
  EXPECT_NULL(hvr_session_verify(NULL, NULL, NULL, &flag, &text), "session");
  EXPECT_NULL(hvr_protection_set_interval(NULL, 30), "protection");
  EXPECT_NULL(hvr_protection_set_recovery_history(NULL, 1), "protection");
  EXPECT_NULL(hvr_protection_set_app_consistent_frequency(NULL, 1), "protection");
  EXPECT_NULL(hvr_settings_change_set_interval(NULL, 30), "change");
  EXPECT_NULL(hvr_settings_change_set_recovery_history(NULL, 1), "change");
  EXPECT_NULL(hvr_settings_change_set_app_consistent_frequency(NULL, 1), "change");

  EXPECT_KEPT(header);
  EXPECT_KEPT(list);
  EXPECT_KEPT(session);
  EXPECT_KEPT(ranges);
  EXPECT_KEPT(path);
  EXPECT_KEPT(text);
  EXPECT_KEPT(count);
  EXPECT_KEPT(bytes);
  EXPECT_KEPT(flag);
  EXPECT_KEPT(when);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

int main(void) {
  char disk_path[300];
  host_temp_dir(dir, sizeof dir, "null");
  host_path(disk_path, sizeof disk_path, dir, "disk.raw");
  CHECK_OK(hvr_disk_create_raw(disk_path, 1 << 20));

  test_status_retry_cancel();
  test_chunk_diff(disk_path);
  test_hrl();
  test_disks(disk_path);
  test_stores(disk_path);
  test_replication(disk_path);
  test_no_required_pointer();
  test_deprecated_aliases();

  host_remove_tree(dir);
  printf("capi null arguments: %d calls checked (refused by name or accepted as documented)\n", checks);
  return 0;
}
