/* Replica stores from C, on a local folder: upload an image, list, take and list
 * recovery points, download, the errors an embedder meets, progress and cancellation;
 * then disks piece by piece: pages, ranges, copies, metadata, leases, and the log
 * callback's end at close. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host.h"

static char work[256];

static void path(char *out, size_t size, const char *leaf) {
  host_path(out, size, work, leaf);
}

/* A 3 MiB image: 64 KiB of a pattern at 1 MiB, a hole elsewhere. */
static void make_image(const char *file) {
  FILE *f = fopen(file, "wb");
  int i;
  CHECK(f != NULL);
  CHECK(fseek(f, 1 << 20, SEEK_SET) == 0);
  for (i = 0; i < 65536; ++i) CHECK(fputc((i * 7 + 3) & 0xff, f) != EOF);
  CHECK(fseek(f, 3 * (1 << 20) - 1, SEEK_SET) == 0);
  CHECK(fputc(0, f) != EOF);
  CHECK(fclose(f) == 0);
}

static int same_prefix(const char *a, const char *b, long length) {
  FILE *fa = fopen(a, "rb");
  FILE *fb = fopen(b, "rb");
  long i;
  int same = fa != NULL && fb != NULL;
  for (i = 0; same && i < length; ++i) same = fgetc(fa) == fgetc(fb);
  if (fa) fclose(fa);
  if (fb) fclose(fb);
  return same;
}

struct progress {
  uint64_t last_done;
  uint64_t total;
  int calls;
};

static void on_progress(void *user_data, uint64_t done, uint64_t total) {
  struct progress *p = (struct progress *)user_data;
  CHECK(done >= p->last_done);
  p->last_done = done;
  p->total = total;
  ++p->calls;
}

struct log_counter {
  int lines;
  int closed; /* set once hvr_store_close returned: no line may come after */
};

static void on_log(void *user_data, hvr_log_level level, const char *message) {
  struct log_counter *counter = (struct log_counter *)user_data;
  (void)level;
  CHECK(message != NULL);
  CHECK(!counter->closed);
  ++counter->lines;
}

static void check_ranges(hvr_disk_range *ranges, size_t count, const uint64_t *expected, size_t expected_pairs) {
  size_t i;
  CHECK(count == expected_pairs);
  for (i = 0; i < count; ++i) CHECK(ranges[i].offset == expected[2 * i] && ranges[i].length == expected[2 * i + 1]);
  hvr_disk_ranges_free(ranges);
}

/* Ranges that may over-report (changed ranges, a recovery point's allocation) must cover
 * each expected range; they stay sorted and disjoint. */
static void check_covers(hvr_disk_range *ranges, size_t count, const uint64_t *expected, size_t expected_pairs) {
  size_t i, j;
  for (i = 1; i < count; ++i) CHECK(ranges[i - 1].offset + ranges[i - 1].length <= ranges[i].offset);
  for (j = 0; j < expected_pairs; ++j) {
    int covered = 0;
    for (i = 0; i < count; ++i) {
      covered |= ranges[i].offset <= expected[2 * j] &&
                 expected[2 * j] + expected[2 * j + 1] <= ranges[i].offset + ranges[i].length;
    }
    CHECK(covered);
  }
  hvr_disk_ranges_free(ranges);
}

/* A replica disk written page by page, as a replication loop of its own would. */
/* The upload with its token as an argument, as programs built before hvr_transfer_options
 * call it. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
static hvr_status deprecated_upload(hvr_store *store, const char *image, const char *name, hvr_cancel_token *cancel) {
  return hvr_store_upload(store, image, name, NULL, NULL, cancel, NULL);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

static void test_pieces(const char *store_dir, const char *image) {
  hvr_store *store = NULL;
  hvr_store *other = NULL;
  hvr_store_options *options = NULL;
  struct log_counter counter = {0, 0};
  hvr_store_disk_info info;
  hvr_disk_range *ranges = NULL;
  hvr_disk *disk = NULL;
  hvr_transfer_stats stats;
  size_t count = 0;
  unsigned char page[4096], back[4096];
  char *point = NULL;
  char *json = NULL;
  char *lease = NULL;
  char *again = NULL;
  const char *keys[2] = {"vm", "Disk_Index"};
  const char *values[2] = {"sql-01", "0"};
  const uint64_t written[] = {1 << 20, 4096};
  const uint64_t both[] = {0, 512, 1 << 20, 4096};
  int i;

  for (i = 0; i < 4096; ++i) page[i] = (unsigned char)(i * 13 + 5);
  CHECK_OK(hvr_store_options_create(&options));
  CHECK_OK(hvr_store_options_set_log(options, on_log, &counter));
  CHECK_OK(hvr_store_open(store_dir, options, &store));
  hvr_store_options_destroy(options);

  CHECK_OK(hvr_store_create_disk(store, "pieces", 2u << 20));
  CHECK(hvr_store_create_disk(store, "pieces", 2u << 20) == HVR_CONFLICT);
  CHECK(hvr_store_create_disk(store, "odd", (2u << 20) + 512) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_store_write_pages(store, "pieces", 1 << 20, page, sizeof page));
  CHECK(hvr_store_write_pages(store, "pieces", 100, page, 512) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_store_read(store, "pieces", NULL, (1 << 20) + 1, back, 100));
  CHECK(memcmp(back, page + 1, 100) == 0);
  CHECK_OK(hvr_store_get_allocated_ranges(store, "pieces", NULL, &ranges, &count));
  if (host_is_wine()) {
    /* Wine keeps no holes in sparse files, so everything is allocated (docs/windows.md). */
    check_covers(ranges, count, written, 1);
  } else {
    check_ranges(ranges, count, written, 1);
  }

  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  CHECK_OK(hvr_store_get_disk(store, "pieces", &info));
  CHECK(info.virtual_size == 2u << 20 && info.lease_state == HVR_LEASE_AVAILABLE);
  CHECK(info.last_modified > 1600000000);
  CHECK(hvr_store_get_disk(store, "absent", &info) == HVR_NOT_FOUND);

  /* A recovery point, then a change: the changed ranges since the point, and a copy of
   * the point that still reads the old content. */
  CHECK_OK(hvr_store_create_recovery_point(store, "pieces", 0, &point));
  CHECK_OK(hvr_store_write_pages(store, "pieces", 0, page, 512));
  CHECK_OK(hvr_store_clear_pages(store, "pieces", 1 << 20, 4096));
  CHECK_OK(hvr_store_get_changed_ranges(store, "pieces", point, NULL, &ranges, &count));
  check_covers(ranges, count, both, 2);
  CHECK_OK(hvr_store_get_allocated_ranges(store, "pieces", point, &ranges, &count));
  check_covers(ranges, count, written, 1);
  CHECK_OK(hvr_store_copy_recovery_point(store, "pieces", point, "pieces-test"));
  CHECK(hvr_store_copy_recovery_point(store, "pieces", point, "pieces-test") == HVR_CONFLICT);
  CHECK_OK(hvr_store_read(store, "pieces-test", NULL, 1 << 20, back, sizeof back));
  CHECK(memcmp(back, page, sizeof back) == 0);
  CHECK_OK(hvr_store_read(store, "pieces", NULL, 1 << 20, back, sizeof back));
  CHECK(back[0] == 0 && back[4095] == 0);
  hvr_string_free(point);

  /* Metadata replaces, and reads back as JSON. */
  CHECK_OK(hvr_store_set_metadata(store, "pieces", keys, values, 2));
  CHECK_OK(hvr_store_get_metadata_json(store, "pieces", &json));
  CHECK(strstr(json, "\"vm\":\"sql-01\"") != NULL && strstr(json, "\"Disk_Index\":\"0\"") != NULL);
  hvr_string_free(json);
  CHECK_OK(hvr_store_set_metadata(store, "pieces", keys, values, 1));
  CHECK_OK(hvr_store_get_metadata_json(store, "pieces", &json));
  CHECK(strstr(json, "Disk_Index") == NULL);
  hvr_string_free(json);
  keys[0] = "hvr_reserved";
  CHECK(hvr_store_set_metadata(store, "pieces", keys, values, 1) == HVR_INVALID_ARGUMENT);

  /* Leases: the holder writes, another store (another agent) gets HVR_CONFLICT until the
   * lease is broken; the holder then has lost it. */
  CHECK(hvr_store_acquire_lease(store, "pieces", 5, NULL, &lease) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_store_acquire_lease(store, "pieces", -1, NULL, &lease));
  CHECK(strlen(lease) == 36);
  CHECK_OK(hvr_store_get_disk(store, "pieces", &info));
  CHECK(info.lease_state == HVR_LEASE_LEASED);
  CHECK_OK(hvr_store_renew_lease(store, "pieces"));
  CHECK_OK(hvr_store_write_pages(store, "pieces", 0, page, 512));
  CHECK_OK(hvr_store_open(store_dir, NULL, &other));
  CHECK(hvr_store_write_pages(other, "pieces", 0, page, 512) == HVR_CONFLICT);
  CHECK(hvr_store_acquire_lease(other, "pieces", 15, NULL, &again) == HVR_CONFLICT);
  CHECK(hvr_store_release_lease(other, "pieces") == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_store_break_lease(other, "pieces", 0));
  CHECK(hvr_store_write_pages(store, "pieces", 0, page, 512) == HVR_CONFLICT);
  /* The agent that restarts takes its lease back with the id it held. */
  CHECK_OK(hvr_store_acquire_lease(other, "pieces", 15, lease, &again));
  CHECK(strcmp(again, lease) == 0);
  CHECK_OK(hvr_store_release_lease(other, "pieces"));
  hvr_string_free(again);
  /* The first store writes again only once it holds a lease again. */
  CHECK(hvr_store_write_pages(store, "pieces", 0, page, 512) == HVR_CONFLICT);
  CHECK_OK(hvr_store_acquire_lease(store, "pieces", 15, NULL, &again));
  CHECK_OK(hvr_store_write_pages(store, "pieces", 0, page, 512));
  CHECK_OK(hvr_store_release_lease(store, "pieces"));
  hvr_string_free(again);
  hvr_string_free(lease);
  hvr_store_close(other);

  /* Upload from an open handle. */
  CHECK_OK(hvr_disk_open(image, NULL, &disk));
  memset(&stats, 0, sizeof stats);
  stats.struct_size = sizeof stats;
  CHECK_OK(hvr_store_upload_open_disk(store, disk, "from-handle", NULL, &stats));
  CHECK(stats.bytes_sent == 65536);
  hvr_disk_close(disk);

  CHECK_OK(hvr_store_delete_disk(store, "from-handle"));
  CHECK_OK(hvr_store_delete_disk(store, "pieces-test"));
  CHECK_OK(hvr_store_delete_disk(store, "pieces"));
  hvr_store_close(store);
  counter.closed = 1;
}

/* The log callback receives the warning an https store without certificate checks
 * gives at open (no request is sent), and nothing once the store is closed. */
static void test_log_callback(void) {
  hvr_store_options *options = NULL;
  hvr_store *store = NULL;
  struct log_counter counter = {0, 0};
  CHECK_OK(hvr_store_options_create(&options));
  CHECK_OK(hvr_store_options_set_log(options, on_log, &counter));
  CHECK_OK(hvr_store_options_set_tls(options, 0, NULL));
  CHECK_OK(hvr_store_open("DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;"
                          "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/"
                          "KBHBeksoGMGw==;BlobEndpoint=https://127.0.0.1:9/devstoreaccount1;Container=replicas",
                          options, &store));
  hvr_store_options_destroy(options);
  CHECK(counter.lines == 1);
  hvr_store_close(store);
  counter.closed = 1;
}

int main(void) {
  char image[512], store_dir[512], vhd[512], vhd2[512], raw[512];
  hvr_store_options *options = NULL;
  hvr_store *store = NULL;
  hvr_transfer_stats stats;
  struct progress progress = {0, 0, 0};
  hvr_cancel_token *cancel = NULL;
  hvr_transfer_options *transfer = NULL;
  char *json = NULL;
  char *id = NULL;

  host_temp_dir(work, sizeof work, "store");
  path(image, sizeof image, "image.raw");
  path(store_dir, sizeof store_dir, "store");
  path(vhd, sizeof vhd, "out.vhd");
  path(vhd2, sizeof vhd2, "cancelled.vhd");
  path(raw, sizeof raw, "out.raw");
  make_image(image);

  CHECK_OK(hvr_store_options_create(&options));
  CHECK_OK(hvr_store_options_set_max_in_flight(options, 4));
  CHECK(hvr_store_options_set_max_in_flight(options, 0) == HVR_INVALID_ARGUMENT);
  CHECK(hvr_store_options_set_max_in_flight(options, 65) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "requests in flight must be 1 to 64, not 65") != NULL);
  CHECK_OK(hvr_store_options_set_blob_requests(options, 250));
  CHECK(hvr_store_options_set_blob_requests(options, 0) == HVR_INVALID_ARGUMENT);
  CHECK(hvr_store_options_set_blob_requests(options, 100001) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "blob_requests_per_second must be 1 to 100000, not 100001") != NULL);
  CHECK(hvr_store_options_set_encryption_key(options, (const uint8_t *)"short", 5) == HVR_INVALID_ARGUMENT);
  CHECK(hvr_store_options_set_bandwidth(options, 0, 0, 17 * 60, 9 * 60, 0x3e) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_store_options_set_bandwidth(options, 0, 0, 9 * 60, 17 * 60, 0x3e));
  CHECK_OK(hvr_store_options_set_timeouts(options, 5000, 60000));
  CHECK(hvr_store_options_set_timeouts(options, 0, 60000) == HVR_INVALID_ARGUMENT);
  CHECK(hvr_store_options_set_timeouts(options, 5000, 3600001) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "io_timeout must be 1 ms to 1 hour, not 3600001 ms") != NULL);
  /* A day bit above Saturday is an error, never ignored. */
  CHECK(hvr_store_options_set_bandwidth(options, 0, 0, 9 * 60, 17 * 60, 0xbe) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "days 0x000000be has bits above bit 6 (Saturday)") != NULL);
  /* Request retries are checked where they are set, with the rule's own words. */
  CHECK(hvr_store_options_set_retries(options, 0, 1000, 30000, 120000) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "max_attempts must be 1 to 100") != NULL);
  CHECK(hvr_store_options_set_retries(options, 3, 2000, 1000, 120000) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "max_delay") != NULL);
  CHECK_OK(hvr_store_options_set_retries(options, 3, 100, 1000, 10000));
  CHECK(hvr_store_open(NULL, options, &store) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "target is NULL") != NULL);
  CHECK(hvr_store_open("UseDevelopmentStorage=true", options, &store) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "Container") != NULL);
  CHECK_OK(hvr_store_open(store_dir, options, &store));
  hvr_store_options_destroy(options); /* the store keeps its own copy */

  memset(&stats, 0, sizeof stats);
  stats.struct_size = sizeof stats;
  CHECK_OK(hvr_transfer_options_create(&transfer));
  CHECK_OK(hvr_transfer_options_set_progress(transfer, on_progress, &progress));
  CHECK_OK(hvr_store_upload_image(store, image, "disk0", transfer, &stats));
  CHECK(stats.virtual_size == 3u << 20);
  CHECK(stats.bytes_sent == 65536);
  {
    /* A local folder does not retry; it counts its operations and its I/O threads. */
    hvr_store_statistics counters = HVR_STORE_STATISTICS_INIT;
    CHECK_OK(hvr_store_get_statistics(store, &counters));
    CHECK(counters.requests > 0 && counters.retries == 0 && counters.failed_requests == 0);
    CHECK(counters.in_flight_limit == 4 && counters.max_in_flight == 4);
    counters.struct_size = 0;
    CHECK(hvr_store_get_statistics(store, &counters) == HVR_INVALID_ARGUMENT);
  }
  CHECK(stats.bytes_sent + stats.bytes_skipped == stats.virtual_size);
  CHECK(progress.calls > 0 && progress.last_done == progress.total && progress.total == stats.virtual_size);
  CHECK(hvr_store_upload_image(store, image, "disk0", NULL, NULL) == HVR_CONFLICT);
  CHECK(strstr(hvr_last_error_message(), "already exists") != NULL);

  CHECK_OK(hvr_store_get_disks_json(store, &json));
  CHECK(strstr(json, "\"name\":\"disk0\"") != NULL);
  CHECK(strstr(json, "\"virtual_size\":3145728") != NULL);
  hvr_string_free(json);

  CHECK_OK(hvr_store_create_recovery_point(store, "disk0", 1, &id));
  CHECK_OK(hvr_store_get_recovery_points_json(store, "disk0", &json));
  CHECK(strstr(json, id) != NULL);
  CHECK(strstr(json, "\"app_consistent\":true") != NULL);
  hvr_string_free(json);

  memset(&progress, 0, sizeof progress);
  CHECK_OK(hvr_store_download_image(store, "disk0", id, vhd, 1, transfer, NULL));
  CHECK(progress.calls > 0 && progress.last_done == progress.total && progress.total == 3u << 20);
  CHECK_OK(hvr_store_download_image(store, "disk0", NULL, raw, 0, NULL, NULL));
  CHECK(same_prefix(image, raw, 3L << 20));
  CHECK(same_prefix(image, vhd, 3L << 20));
  CHECK(hvr_store_download_image(store, "disk0", NULL, raw, 0, NULL, NULL) == HVR_CONFLICT);
  CHECK_OK(hvr_store_delete_recovery_point(store, "disk0", id));
  CHECK(hvr_store_delete_recovery_point(store, "disk0", id) == HVR_NOT_FOUND);
  hvr_string_free(id);

  /* A cancelled token on the options stops an upload before it sends anything, and a
   * download before it writes; the deprecated call with the token as an argument too. */
  CHECK_OK(hvr_cancel_token_create(&cancel));
  hvr_cancel_token_cancel(cancel);
  CHECK_OK(hvr_transfer_options_set_cancel_token(transfer, cancel));
  CHECK(hvr_store_upload_image(store, image, "disk1", transfer, NULL) == HVR_CANCELLED);
  CHECK(hvr_store_download_image(store, "disk0", NULL, vhd2, 1, transfer, NULL) == HVR_CANCELLED);
  CHECK(deprecated_upload(store, image, "disk2", cancel) == HVR_CANCELLED);
  CHECK_OK(hvr_transfer_options_set_cancel_token(transfer, NULL));
  memset(&progress, 0, sizeof progress);
  CHECK_OK(hvr_store_upload_image(store, image, "disk3", transfer, NULL));
  CHECK(progress.calls > 0);
  CHECK_OK(hvr_store_delete_disk(store, "disk3"));
  hvr_transfer_options_destroy(transfer);
  hvr_cancel_token_destroy(cancel);

  CHECK_OK(hvr_store_delete_disk(store, "disk0"));
  CHECK(hvr_store_delete_disk(store, "disk0") == HVR_NOT_FOUND);
  CHECK(hvr_status_class(HVR_NOT_FOUND) == HVR_CLASS_NON_RECOVERABLE);
  hvr_store_close(store);
  hvr_store_close(NULL);
  test_pieces(store_dir, image);
  test_log_callback();

  host_remove_tree(work);
  printf("capi store: ok\n");
  return 0;
}
