/* Replica logs from C: track writes, rotate, list, read back, check the chain, and
 * coalesce into page writes that rebuild the disk. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host.h"

#define DISK (1u << 20)

static const uint8_t kGuid[16] = {0x57, 0x5c, 0xbe, 0xb9, 0xbe, 0xf8, 0x03, 0x55,
                                  0x98, 0xbb, 0x6c, 0x44, 0xfa, 0xf9, 0xac, 0x87};

static unsigned char expected[DISK]; /* the disk after every recorded write */
static unsigned char replica[DISK];  /* rebuilt from the logs */
static int warnings;

static void on_log(void *user_data, hvr_log_level level, const char *message) {
  (void)user_data;
  (void)message;
  if (level == HVR_LOG_WARNING) ++warnings;
}

static void record(hvr_hrl_tracker *tracker, uint64_t offset, size_t length, int seed) {
  unsigned char *data = malloc(length);
  size_t i;
  CHECK(data != NULL);
  for (i = 0; i < length; ++i) data[i] = (unsigned char)(seed * 31 + i * 7);
  CHECK_OK(hvr_hrl_tracker_record(tracker, offset, data, length));
  memcpy(expected + offset, data, length);
  free(data);
}

static hvr_status read_base(void *user_data, uint64_t offset, void *buffer, size_t size) {
  (void)user_data;
  (void)offset;
  memset(buffer, 0, size); /* the disk was zeros before the writes */
  return HVR_OK;
}

static hvr_status write_page(void *user_data, uint64_t offset, const void *data, size_t size) {
  int *pages = user_data;
  CHECK(offset % 512 == 0 && size % 512 == 0 && offset + size <= DISK);
  memcpy(replica + offset, data, size);
  ++*pages;
  return HVR_OK;
}

static hvr_status refuse_page(void *user_data, uint64_t offset, const void *data, size_t size) {
  (void)user_data;
  (void)offset;
  (void)data;
  (void)size;
  return HVR_THROTTLED;
}

static hvr_status count_range(void *user_data, uint64_t offset, uint64_t length) {
  uint64_t *bytes = user_data;
  (void)offset;
  *bytes += length;
  return HVR_OK;
}

static void count_progress(void *user_data, uint64_t done, uint64_t total) {
  (void)done;
  (void)total;
  *(uint64_t *)user_data += 1;
}

int main(void) {
  char folder[256];
  char log_path[300];
  hvr_hrl_tracker_options *options = NULL;
  hvr_hrl_tracker *tracker = NULL;
  hvr_hrl_log_list *list = NULL;
  hvr_hrl_reader *reader = NULL;
  hvr_extent_map *map = NULL;
  hvr_extent_map_options *map_options = NULL;
  hvr_cancel_token *cancel = NULL;
  uint64_t progress_calls = 0;
  hvr_hrl_header header;
  hvr_hrl_entry entry;
  char *closed = NULL;
  char *path = NULL;
  const char *logs[2];
  const char *reversed[2];
  size_t count = 0, got = 0, i;
  int has_entry = 0, pages = 0;
  uint64_t entries = 0, changed = 0, ranged = 0;
  unsigned char buffer[8192];

  host_temp_dir(folder, sizeof folder, "hrl");
  CHECK_OK(hvr_hrl_tracker_options_create(&options));
  CHECK_OK(hvr_hrl_tracker_options_set_log_name(options, "disk0"));
  CHECK_OK(hvr_hrl_tracker_options_set_log_callback(options, on_log, NULL));
  CHECK_OK(hvr_hrl_tracker_create(folder, DISK, kGuid, options, &tracker));
  CHECK_OK(hvr_hrl_tracker_get_interrupted_log(tracker, &path));
  CHECK(path == NULL);
  CHECK(warnings == 0);

  record(tracker, 4096, 8192, 1);
  record(tracker, 1000, 100, 2); /* unaligned */
  record(tracker, 6144, 512, 3); /* overwrites part of the first */
  CHECK_OK(hvr_hrl_tracker_rotate(tracker, &closed));
  host_path(log_path, sizeof log_path, folder, "disk0-0000000000000001.hrl");
  CHECK(strcmp(closed, log_path) == 0);
  record(tracker, 65536, 4096, 4);
  record(tracker, 4096, 1024, 5);
  CHECK(hvr_hrl_tracker_record(tracker, DISK - 10, buffer, 100) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_hrl_tracker_get_current_log(tracker, &path));
  host_path(log_path, sizeof log_path, folder, "disk0-0000000000000002.hrl");
  CHECK(strcmp(path, log_path) == 0);
  CHECK_OK(hvr_hrl_tracker_close_log(tracker));
  hvr_hrl_tracker_destroy(tracker);
  hvr_hrl_tracker_options_destroy(options);

  /* The folder's closed logs, in order, chained. */
  CHECK_OK(hvr_hrl_log_list_create(folder, "disk0", &list));
  CHECK_OK(hvr_hrl_log_list_get_count(list, &count));
  CHECK(count == 2);
  CHECK_OK(hvr_hrl_log_list_get_path(list, 0, &logs[0]));
  CHECK_OK(hvr_hrl_log_list_get_path(list, 1, &logs[1]));
  CHECK(strcmp(logs[0], closed) == 0 && strcmp(logs[1], path) == 0);
  CHECK(hvr_hrl_log_list_get_path(list, 2, &logs[0]) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_hrl_log_list_get_path(list, 0, &logs[0]));
  CHECK_OK(hvr_hrl_check_chain(logs, 2, NULL));
  reversed[0] = logs[1];
  reversed[1] = logs[0];
  CHECK(hvr_hrl_check_chain(reversed, 2, NULL) == HVR_LOG_CHAIN_GAP);
  CHECK(strstr(hvr_last_error_message(), "does not follow") != NULL);
  CHECK(hvr_status_class(HVR_LOG_CHAIN_GAP) == HVR_CLASS_RESYNC_REQUIRED);

  /* Headers, also through a struct from an older caller that ends early. */
  memset(&header, 0, sizeof header);
  header.struct_size = sizeof header;
  CHECK_OK(hvr_hrl_read_header(logs[0], &header));
  CHECK(header.format_version == 0x00020000);
  CHECK(header.eol_location != 0 && header.total_metadata_entries == 3);
  CHECK(header.has_vhd2_data_write_guid == 1 && memcmp(header.vhd2_data_write_guid, kGuid, 16) == 0);
  CHECK(strcmp(header.creator_application, "hvr ") == 0);
  memset(&header, 0x7f, sizeof header);
  header.struct_size = offsetof(hvr_hrl_header, created);
  CHECK_OK(hvr_hrl_read_header(logs[0], &header));
  CHECK(header.format_version == 0x00020000);
  CHECK(header.created == 0x7f7f7f7f7f7f7f7fLL); /* beyond struct_size: untouched */
  header.struct_size = 0;
  CHECK(hvr_hrl_read_header(logs[0], &header) == HVR_INVALID_ARGUMENT);

  /* Reading entries back. */
  CHECK_OK(hvr_hrl_reader_open(logs[0], DISK, &reader));
  header.struct_size = sizeof header;
  CHECK_OK(hvr_hrl_reader_get_header(reader, &header));
  CHECK(memcmp(header.previous_unique_id, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0);
  /* A struct without its size is refused before the reader moves: no entry is lost. */
  entry.struct_size = 0;
  has_entry = 7;
  CHECK(hvr_hrl_reader_next(reader, &entry, &has_entry) == HVR_INVALID_ARGUMENT);
  CHECK(has_entry == 7);
  entry.struct_size = sizeof entry;
  CHECK_OK(hvr_hrl_reader_next(reader, &entry, &has_entry));
  CHECK(has_entry == 1 && entry.index == 0 && entry.disk_offset == 4096 && entry.length == 8192);
  CHECK(entry.data_checksum_recorded == 1 && entry.timestamp > 1600000000);
  CHECK_OK(hvr_hrl_reader_read_data(reader, buffer, 5000, &got));
  CHECK(got == 5000);
  CHECK_OK(hvr_hrl_reader_read_data(reader, buffer + 5000, 5000, &got));
  CHECK(got == 3192);
  for (i = 0; i < 8192; ++i) CHECK(buffer[i] == (unsigned char)(31 + i * 7));
  CHECK_OK(hvr_hrl_reader_next(reader, &entry, &has_entry));
  CHECK(has_entry == 1 && entry.disk_offset == 1000);
  CHECK_OK(hvr_hrl_reader_next(reader, &entry, &has_entry));
  CHECK_OK(hvr_hrl_reader_next(reader, &entry, &has_entry));
  CHECK(has_entry == 0);
  hvr_hrl_reader_close(reader);
  CHECK(hvr_hrl_reader_open("/nonexistent/x.hrl", DISK, &reader) == HVR_NOT_FOUND);

  /* Coalescing both logs rebuilds the disk. */
  CHECK_OK(hvr_extent_map_create(&map));
  CHECK_OK(hvr_extent_map_options_create(&map_options));
  CHECK_OK(hvr_extent_map_options_set_progress(map_options, count_progress, &progress_calls));
  CHECK_OK(hvr_extent_map_read_logs(map, logs, 2, DISK, header.previous_unique_id, map_options, &entries));
  CHECK(progress_calls > 0);
  CHECK(entries == 5);
  CHECK_OK(hvr_extent_map_get_changed_bytes(map, &changed));
  CHECK(changed == 8192 + 100 + 4096);
  CHECK_OK(hvr_extent_map_get_changed_ranges(map, count_range, &ranged));
  CHECK(ranged == changed);
  CHECK_OK(hvr_extent_map_get_page_writes(map, 4 << 20, read_base, NULL, write_page, &pages, NULL));
  CHECK(pages == 3); /* [512, 1536), [4096, 12288), [65536, 69632) */
  CHECK(memcmp(replica, expected, DISK) == 0);
  CHECK(hvr_extent_map_get_page_writes(map, 4 << 20, read_base, NULL, refuse_page, NULL, NULL) == HVR_THROTTLED);
  CHECK(strstr(hvr_last_error_message(), "page write callback returned throttled") != NULL);
  CHECK(hvr_extent_map_get_page_writes(map, 1000, read_base, NULL, write_page, &pages, NULL) == HVR_INVALID_ARGUMENT);
  CHECK(hvr_extent_map_read_logs(map, reversed, 2, DISK, NULL, NULL, NULL) == HVR_LOG_CHAIN_GAP);
  /* A cancelled token on the options stops both calls. */
  CHECK_OK(hvr_cancel_token_create(&cancel));
  hvr_cancel_token_cancel(cancel);
  CHECK_OK(hvr_extent_map_options_set_cancel_token(map_options, cancel));
  CHECK(hvr_extent_map_get_page_writes(map, 4 << 20, read_base, NULL, write_page, &pages, map_options) ==
        HVR_CANCELLED);
  CHECK_OK(hvr_extent_map_clear(map));
  CHECK(hvr_extent_map_read_logs(map, logs, 2, DISK, header.previous_unique_id, map_options, NULL) == HVR_CANCELLED);
  hvr_extent_map_options_destroy(map_options);
  hvr_cancel_token_destroy(cancel);

  /* Copied writes; an unaligned one needs the base content. */
  CHECK_OK(hvr_extent_map_clear(map));
  CHECK_OK(hvr_extent_map_add(map, 10, "abc", 3));
  CHECK(hvr_extent_map_get_page_writes(map, 512, NULL, NULL, write_page, &pages, NULL) == HVR_INVALID_ARGUMENT);
  memset(replica, 1, 512);
  CHECK_OK(hvr_extent_map_get_page_writes(map, 512, read_base, NULL, write_page, &pages, NULL));
  CHECK(replica[9] == 0 && replica[10] == 'a' && replica[12] == 'c' && replica[13] == 0);
  hvr_extent_map_destroy(map);

  hvr_hrl_log_list_destroy(list);
  hvr_string_free(closed);
  hvr_string_free(path);
  host_remove_tree(folder);
  hvr_extent_map_destroy(NULL);
  hvr_hrl_reader_close(NULL);
  hvr_hrl_tracker_destroy(NULL);
  printf("capi hrl: ok\n");
  return 0;
}
